package dev.kiln.sandbox;

import dev.kiln.content.FileTrees;
import dev.kiln.sandbox.internal.BwrapCommandLine;
import dev.kiln.sandbox.internal.GeneratedEtc;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands under bubblewrap in the host-toolchain stage (DESIGN.md "Build environment stages"):
 * host {@code /usr} read-only, workspace read-write at {@code /home/build}, fresh namespaces, no
 * inherited environment.
 */
public final class BubblewrapSandbox implements Sandbox {

    private final Path bwrap;
    private final Path scratchDirectory;
    private final BwrapCommandLine commandLine;

    /**
     * @param bwrap the bubblewrap executable
     * @param scratchDirectory host directory for the per-run generated {@code /etc} files
     */
    public BubblewrapSandbox(Path bwrap, Path scratchDirectory) {
        this(bwrap, scratchDirectory, Path.of("/"));
    }

    BubblewrapSandbox(Path bwrap, Path scratchDirectory, Path hostRoot) {
        this.bwrap = Objects.requireNonNull(bwrap, "bwrap");
        this.scratchDirectory = Objects.requireNonNull(scratchDirectory, "scratchDirectory");
        this.commandLine = new BwrapCommandLine(hostRoot);
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

    public Path executable() {
        return bwrap;
    }

    /** The full bwrap argument vector for {@code spec}, with generated /etc files taken from {@code etcDir}. */
    public List<String> arguments(SandboxSpec spec, Path etcDir) {
        return commandLine.arguments(bwrap, spec, etcDir);
    }

    @Override
    public ExecResult run(SandboxSpec spec, OutputStream log) {
        Objects.requireNonNull(log, "log");
        if (!Files.isDirectory(spec.workspace())) {
            throw new SandboxException("sandbox workspace " + spec.workspace() + " is not a directory");
        }
        for (Mount m : spec.extraMounts()) {
            if (!Files.exists(m.hostPath())) {
                throw new SandboxException("sandbox mount " + m.guestPath() + ": host path " + m.hostPath()
                        + " does not exist");
            }
        }
        Path etcDir;
        try {
            Files.createDirectories(scratchDirectory);
            etcDir = Files.createTempDirectory(scratchDirectory, "kiln-etc-");
            GeneratedEtc.write(etcDir, spec.uid(), spec.gid());
        } catch (IOException e) {
            throw new SandboxException("cannot write sandbox /etc files under " + scratchDirectory + ": "
                    + e.getMessage(), e);
        }
        try {
            return execute(arguments(spec, etcDir), spec, log);
        } finally {
            deleteTree(etcDir);
        }
    }

    private ExecResult execute(List<String> argv, SandboxSpec spec, OutputStream log) {
        ProcessBuilder pb = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // bwrap itself needs no environment; the command's is passed with --setenv.
        pb.environment().clear();
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new SandboxException("cannot start " + bwrap + ": " + e.getMessage(), e);
        }
        OutputPump pump = new OutputPump(process.getInputStream(), log);
        Thread pumpThread = new Thread(pump, "kiln-sandbox-log");
        pumpThread.setDaemon(true);
        pumpThread.start();
        boolean timedOut = false;
        try {
            if (spec.timeout() == null) {
                process.waitFor();
            } else if (!process.waitFor(spec.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
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
            throw new SandboxException("cannot copy sandbox output of " + spec.command() + " to the log: "
                    + pump.failure.getMessage(), pump.failure);
        }
        return new ExecResult(process.exitValue(), timedOut);
    }

    private static void killTree(Process process) {
        // Descendants first so none is reparented and survives; --die-with-parent is the backstop.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static void deleteTree(Path dir) {
        try {
            FileTrees.delete(dir);
        } catch (IOException ignored) {
            // Leftover scratch files are harmless and must not hide the command's result.
        }
    }

    /** Copies process output as it arrives; keeps draining after a log failure so the process never blocks. */
    private static final class OutputPump implements Runnable {
        private final InputStream in;
        private final OutputStream out;
        private volatile IOException failure;

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
