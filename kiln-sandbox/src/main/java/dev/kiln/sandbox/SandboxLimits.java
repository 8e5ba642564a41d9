package dev.kiln.sandbox;

/**
 * Resource ceilings for one sandboxed command, so that a runaway or hostile build fails with a
 * named reason instead of exhausting the host.
 *
 * @param maxProcesses most processes (and threads) the build's host identity may have at once
 *     (RLIMIT_NPROC); a fork bomb fails inside the sandbox instead of filling the host's process table
 * @param maxWorkspaceBytes most bytes the workspace may hold; checked while the command runs and,
 *     when exceeded, the whole process tree is killed
 */
public record SandboxLimits(int maxProcesses, long maxWorkspaceBytes) {

    /** Enough for a parallel toolchain build on a large machine, far below any host's ceiling. */
    public static final int DEFAULT_MAX_PROCESSES = 16_384;
    /** A toolchain tree with its objects stays well under this. */
    public static final long DEFAULT_MAX_WORKSPACE_BYTES = 64L << 30;

    public static final SandboxLimits DEFAULT = new SandboxLimits(DEFAULT_MAX_PROCESSES, DEFAULT_MAX_WORKSPACE_BYTES);

    public SandboxLimits {
        if (maxProcesses < 1) {
            throw new IllegalArgumentException("maxProcesses must be at least 1, got " + maxProcesses);
        }
        if (maxWorkspaceBytes < 1) {
            throw new IllegalArgumentException("maxWorkspaceBytes must be at least 1, got " + maxWorkspaceBytes);
        }
    }

    public SandboxLimits withMaxProcesses(int n) {
        return new SandboxLimits(n, maxWorkspaceBytes);
    }

    public SandboxLimits withMaxWorkspaceBytes(long n) {
        return new SandboxLimits(maxProcesses, n);
    }
}
