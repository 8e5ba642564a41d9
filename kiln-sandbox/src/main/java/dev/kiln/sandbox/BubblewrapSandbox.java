package dev.kiln.sandbox;

import dev.kiln.content.FileTrees;
import dev.kiln.sandbox.internal.BwrapCommandLine;
import dev.kiln.sandbox.internal.GeneratedEtc;
import dev.kiln.sandbox.internal.Launcher;
import dev.kiln.sandbox.internal.ProcessLimits;
import dev.kiln.sandbox.internal.WorkspaceOwnership;
import dev.kiln.sandbox.internal.WorkspaceWatch;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Runs commands under bubblewrap (DESIGN.md "Build environment stages"): in the host-toolchain stage
 * over the host's {@code /usr} read-only, in the hermetic stage over the spec's own root filesystem
 * ({@link SandboxSpec#rootfs()}); in both the workspace read-write at {@code /home/build}, fresh
 * namespaces, no inherited environment, and the command as root of its own user namespace mapped to
 * unprivileged host ids ({@link IdentityMap}), whoever runs Kiln.
 */
public final class BubblewrapSandbox implements Sandbox {

    /** How often the workspace size is measured while a command runs. */
    static final Duration DEFAULT_WORKSPACE_POLL = Duration.ofSeconds(5);

    private final Path bwrap;
    private final Path scratchDirectory;
    private final BwrapCommandLine commandLine;
    private final IdentityMap identity;
    private final Path shell;
    private final Path unshare;
    private final Duration workspacePoll;

    /**
     * @param bwrap the bubblewrap executable
     * @param scratchDirectory host directory for the per-run staging directory (generated {@code /etc}
     *     files and mount points); every uid must be able to traverse its ancestors, as {@code /tmp}'s
     */
    public BubblewrapSandbox(Path bwrap, Path scratchDirectory) {
        this(bwrap, scratchDirectory, IdentityMap.forCurrentProcess(), DEFAULT_WORKSPACE_POLL);
    }

    /** A sandbox with an explicit identity map and workspace polling interval. */
    public BubblewrapSandbox(Path bwrap, Path scratchDirectory, IdentityMap identity, Duration workspacePoll) {
        this(bwrap, scratchDirectory, Path.of("/"), identity, workspacePoll);
    }

    BubblewrapSandbox(Path bwrap, Path scratchDirectory, Path hostRoot, IdentityMap identity, Duration workspacePoll) {
        this.bwrap = Objects.requireNonNull(bwrap, "bwrap");
        this.scratchDirectory = Objects.requireNonNull(scratchDirectory, "scratchDirectory");
        this.commandLine = new BwrapCommandLine(hostRoot);
        this.identity = Objects.requireNonNull(identity, "identity");
        this.workspacePoll = Objects.requireNonNull(workspacePoll, "workspacePoll");
        Path dir = bwrap.toAbsolutePath().getParent();
        this.shell = Path.of("/bin/sh");
        this.unshare = sibling(dir, "unshare");
    }

    /** A sandbox using the bwrap found on {@code env}'s PATH and the JVM's temporary directory. */
    public static BubblewrapSandbox fromEnvironment(Map<String, String> env) {
        return new BubblewrapSandbox(locate(env), Path.of(System.getProperty("java.io.tmpdir")));
    }

    /**
     * Finds {@code bwrap} on the PATH of the given environment.
     *
     * @throws SandboxUnavailableException naming the PATH searched and the package to install
     */
    public static Path locate(Map<String, String> env) {
        String path = env.getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "bwrap");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new SandboxUnavailableException("bubblewrap (bwrap) not found on PATH '" + path
                + "'; install it: apt-get install bubblewrap (Debian/Ubuntu), dnf install bubblewrap (Fedora),"
                + " apk add bubblewrap (Alpine/Wolfi)");
    }

    /** util-linux's unshare, beside bwrap or in the usual places. */
    private static Path sibling(@Nullable Path dir, String name) {
        for (Path candidate :
                new Path[] {dir == null ? null : dir.resolve(name), Path.of("/usr/bin", name), Path.of("/bin", name)}) {
            if (candidate != null && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return Path.of("/usr/bin", name);
    }

    public Path executable() {
        return bwrap;
    }

    @Override
    public IdentityMap identity() {
        return identity;
    }

    /**
     * What bwrap is told for {@code spec}: the options (which this sandbox passes on bwrap's standard
     * input), {@code --} and the command, with generated /etc files taken from {@code etcDir} and mount
     * sources as given.
     */
    public List<String> arguments(SandboxSpec spec, Path etcDir) {
        List<String> all = new ArrayList<>(commandLine.options(spec, identity, etcDir, p -> p.toAbsolutePath()));
        all.add("--");
        all.addAll(spec.command());
        return List.copyOf(all);
    }

    @Override
    public ExecResult run(SandboxSpec spec, OutputStream log) {
        Objects.requireNonNull(log, "log");
        if (!Files.isDirectory(spec.workspace())) {
            throw new SandboxException("sandbox workspace " + spec.workspace() + " is not a directory");
        }
        Path rootfs = spec.rootfs();
        if (rootfs != null && !Files.isDirectory(rootfs)) {
            throw new SandboxException("sandbox root filesystem " + rootfs + " is not a directory");
        }
        for (Mount m : spec.extraMounts()) {
            if (!Files.exists(m.hostPath())) {
                throw new SandboxException(
                        "sandbox mount " + m.guestPath() + ": host path " + m.hostPath() + " does not exist");
            }
        }
        Path stage;
        Map<Path, Path> staged = new LinkedHashMap<>();
        try {
            Files.createDirectories(scratchDirectory);
            stage = Files.createTempDirectory(scratchDirectory, "kiln-sandbox-");
            // Traversable by the build's host uid (the staged mounts are reached through it), listable by none.
            Files.setPosixFilePermissions(stage, PosixFilePermissions.fromString("rwx--x--x"));
            Path etc = Files.createDirectory(stage.resolve("etc"));
            GeneratedEtc.write(etc, spec.uid(), spec.gid());
            if (identity.kind() == IdentityMap.Kind.SUBORDINATE) {
                stageForSubordinateIds(spec, Files.createDirectory(stage.resolve("mnt")), staged);
            }
        } catch (IOException e) {
            throw new SandboxException(
                    "cannot prepare the sandbox under " + scratchDirectory + ": " + e.getMessage(), e);
        }
        try {
            // bwrap sees the stage where the launcher shows it, which is the stage itself when not staged.
            Path view = identity.kind() == IdentityMap.Kind.SUBORDINATE ? Launcher.STAGE_VIEW : stage;
            List<String> options = commandLine.options(spec, identity, view.resolve("etc"), p -> {
                Path point = staged.get(p.toAbsolutePath().normalize());
                return point == null
                        ? p.toAbsolutePath()
                        : view.resolve(stage.relativize(point).toString());
            });
            List<String> argv = Launcher.argv(
                    shell,
                    unshare,
                    bwrap,
                    identity,
                    stage,
                    staged,
                    ProcessLimits.clampMaxProcesses(spec.limits().maxProcesses()),
                    spec.command());
            return execute(argv, options, spec, log);
        } finally {
            removeStage(stage, staged.values());
        }
    }

    /**
     * The staged mount points are empty once the launcher's mount namespace is gone; they are removed
     * one by one, never recursively, so that nothing could ever delete through a mount.
     */
    private static void removeStage(Path stage, Iterable<Path> mountPoints) {
        try {
            for (Path point : mountPoints) {
                Files.deleteIfExists(point);
            }
            Files.deleteIfExists(stage.resolve("mnt"));
            FileTrees.delete(stage.resolve("etc"));
            Files.deleteIfExists(stage);
        } catch (IOException ignored) {
            // Leftover scratch entries are harmless and must not hide the command's result.
        }
    }

    /**
     * Hands the writable trees to the build's ids and gives every mount source a staging mount point
     * (see {@link Launcher}). The hermetic root is not handed over: the caller prepared it for the build's
     * identity (SandboxSpec#rootfs), and files it shares with a cache must keep their owners.
     */
    private void stageForSubordinateIds(SandboxSpec spec, Path mnt, Map<Path, Path> staged) throws IOException {
        Path rootfs = spec.rootfs();
        if (rootfs != null) { // hermetic
            stageMount(staged, mnt, rootfs);
        }
        WorkspaceOwnership.hand(spec.workspace(), identity);
        stageMount(staged, mnt, spec.workspace());
        for (Mount m : spec.extraMounts()) {
            if (!m.readOnly()) {
                WorkspaceOwnership.hand(m.hostPath(), identity);
            }
            stageMount(staged, mnt, m.hostPath());
        }
    }

    private static void stageMount(Map<Path, Path> staged, Path mnt, Path source) throws IOException {
        Path key = source.toAbsolutePath().normalize();
        if (staged.containsKey(key)) {
            return;
        }
        Path point = mnt.resolve(Integer.toString(staged.size()));
        if (Files.isDirectory(key)) {
            Files.createDirectory(point);
        } else {
            Files.createFile(point);
        }
        staged.put(key, point);
    }

    private ExecResult execute(List<String> argv, List<String> options, SandboxSpec spec, OutputStream log) {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(new File("/")).redirectErrorStream(true);
        // The launcher needs no environment; the command's is passed with --setenv.
        pb.environment().clear();
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new SandboxException("cannot start " + argv.get(0) + ": " + e.getMessage(), e);
        }
        OutputPump pump = new OutputPump(process.getInputStream(), log);
        Thread pumpThread = new Thread(pump, "kiln-sandbox-log");
        pumpThread.setDaemon(true);
        pumpThread.start();
        try (OutputStream args = process.getOutputStream()) {
            for (String option : options) {
                args.write(option.getBytes(StandardCharsets.UTF_8));
                args.write(0);
            }
        } catch (IOException e) {
            killTree(process);
            throw new SandboxException("cannot hand the sandbox options to bwrap: " + e.getMessage(), e);
        }
        WorkspaceWatch watch =
                new WorkspaceWatch(spec.workspace(), spec.limits().maxWorkspaceBytes());
        ExecResult.Termination termination = ExecResult.Termination.EXITED;
        long deadline = spec.timeout() == null
                ? Long.MAX_VALUE
                : System.nanoTime() + spec.timeout().toNanos();
        try {
            while (true) {
                long wait = Math.min(workspacePoll.toNanos(), deadline - System.nanoTime());
                if (wait <= 0) {
                    termination = ExecResult.Termination.TIMED_OUT;
                    break;
                }
                if (process.waitFor(wait, TimeUnit.NANOSECONDS)) {
                    break;
                }
                if (watch.exceeded()) {
                    termination = ExecResult.Termination.WORKSPACE_LIMIT;
                    break;
                }
            }
            if (termination != ExecResult.Termination.EXITED) {
                killTree(process);
                process.waitFor();
            }
            pumpThread.join();
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while running " + spec.command() + " in the sandbox", e);
        }
        if (pump.failure != null) {
            throw new SandboxException(
                    "cannot copy sandbox output of " + spec.command() + " to the log: " + pump.failure.getMessage(),
                    pump.failure);
        }
        return new ExecResult(process.exitValue(), termination);
    }

    private static void killTree(Process process) {
        // Descendants first so none is reparented and survives; --die-with-parent is the backstop.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** Copies process output as it arrives; keeps draining after a log failure so the process never blocks. */
    private static final class OutputPump implements Runnable {
        private final InputStream in;
        private final OutputStream out;
        private volatile @Nullable IOException failure;

        OutputPump(InputStream in, OutputStream out) {
            this.in = in;
            this.out = out;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (failure == null) {
                        try {
                            out.write(buffer, 0, n);
                            out.flush();
                        } catch (IOException e) {
                            failure = e;
                        }
                    }
                }
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
    }
}
