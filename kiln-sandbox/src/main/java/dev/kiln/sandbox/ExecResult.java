package dev.kiln.sandbox;

/**
 * How a sandboxed command ended.
 *
 * @param exitCode the command's exit status; when the sandbox killed it, the status the kill produced
 * @param termination whether it exited by itself or why the sandbox killed it
 */
public record ExecResult(int exitCode, Termination termination) {

    /** Why a command stopped. */
    public enum Termination {
        /** It exited by itself. */
        EXITED,
        /** The spec's timeout expired and the whole process tree was killed. */
        TIMED_OUT,
        /** The workspace grew past {@link SandboxLimits#maxWorkspaceBytes()}; the process tree was killed. */
        WORKSPACE_LIMIT
    }

    public ExecResult {
        java.util.Objects.requireNonNull(termination, "termination");
    }

    public static ExecResult exited(int exitCode) {
        return new ExecResult(exitCode, Termination.EXITED);
    }

    public boolean timedOut() {
        return termination == Termination.TIMED_OUT;
    }

    public boolean succeeded() {
        return exitCode == 0 && termination == Termination.EXITED;
    }
}
