package dev.kiln.build;

import dev.kiln.content.ContainedTree;
import dev.kiln.content.ContentException;
import dev.kiln.content.FileTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The host side of one build: a directory mounted at {@code /home/build}, with the package
 * outputs under {@code melange-out/NAME}, plus a separate directory of step scripts, the build's
 * {@code /tmp} and the build log. Guest paths are translated here and nowhere else. The build controls everything
 * under {@code /home/build}, so Kiln's own writes there go through {@link #tree()}.
 */
final class Workspace implements AutoCloseable {
    private final Path base;
    private final Path root;
    private final ContainedTree tree;
    private final Path scriptDir;
    private final Path tmpDir;
    private final Path logFile;
    /** Removes the workspace when the JVM is stopped (Ctrl-C, SIGTERM) while the build runs; null when kept. */
    private final @Nullable Thread removeOnExit;

    private Workspace(Path base, Path logFile, boolean keep) throws IOException {
        this.base = base;
        this.root = Files.createDirectories(base.resolve("home-build"));
        this.tree = ContainedTree.of(root);
        this.scriptDir = Files.createDirectories(base.resolve("steps"));
        // One guest per build, as melange's: /tmp persists from step to step (many recipes hand files on
        // through it). Mode 1777 as any /tmp, so that build users other than root may use it too.
        this.tmpDir = Files.createDirectories(base.resolve("tmp"));
        Files.setAttribute(tmpDir, "unix:mode", 01777);
        this.logFile = logFile;
        this.removeOnExit = keep ? null : new Thread(this::deleteQuietly, "kiln-remove-workspace");
        if (removeOnExit != null) {
            Runtime.getRuntime().addShutdownHook(removeOnExit);
        }
    }

    private void deleteQuietly() {
        try {
            FileTrees.delete(base);
        } catch (IOException e) {
            // The JVM is going away; a later build's work root is unaffected by leftovers.
        }
    }

    static Workspace create(Path workRoot, String name, Path logFile, boolean keep) throws IOException {
        Files.createDirectories(workRoot);
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        return new Workspace(Files.createTempDirectory(workRoot, name + "-"), logFile, keep);
    }

    Path root() {
        return root;
    }

    /** The workspace as a tree the build controls: writes through it never follow a link. */
    ContainedTree tree() {
        return tree;
    }

    Path scriptDir() {
        return scriptDir;
    }

    /** The build's {@code /tmp}, shared by all its steps. */
    Path tmpDir() {
        return tmpDir;
    }

    Path logFile() {
        return logFile;
    }

    Path base() {
        return base;
    }

    /**
     * Host directory of a package's output ({@code /home/build/melange-out/NAME}), created if
     * missing; refused when the build replaced it (or melange-out) with a link.
     */
    Path outputDir(String packageName) {
        try {
            return tree.createDirectories("melange-out/" + packageName);
        } catch (ContentException e) {
            throw new BuildException("package " + packageName, "output directory: " + e.getMessage(), e);
        }
    }

    /**
     * Translates a guest path under /home/build to a path relative to the workspace root, for
     * {@link #tree()} ({@code .} for the root itself, so that {@code DIR + "/" + NAME} stays
     * relative); anything else is refused.
     */
    String relativePath(String guestPath) {
        String home = GuestEnvironment.GUEST_HOME;
        if (guestPath.equals(home)) {
            return ".";
        }
        if (!guestPath.startsWith(home + "/")) {
            throw new BuildException("path " + guestPath + " is outside the workspace " + home);
        }
        String relative = guestPath.substring(home.length() + 1);
        return relative.isEmpty() ? "." : relative;
    }

    /** Joins a step's working directory with a relative (or absolute) path input. */
    static String join(String workingDirectory, String path) {
        String wd =
                workingDirectory == null || workingDirectory.isEmpty() ? GuestEnvironment.GUEST_HOME : workingDirectory;
        if (path == null || path.isEmpty() || path.equals(".")) {
            return wd;
        }
        if (path.startsWith("/")) {
            return path;
        }
        return (wd.endsWith("/") ? wd : wd + "/") + (path.startsWith("./") ? path.substring(2) : path);
    }

    /**
     * The shell that runs step scripts: bash where the guest's root has it (for pipefail), else sh.
     * {@code rootfs} is the hermetic root, or null for the host's (host-toolchain stage). Links are not
     * followed: a hermetic root's absolute links point into the guest, not the host.
     */
    static String shell(@Nullable Path rootfs) {
        if (rootfs == null) {
            return Files.isExecutable(Path.of("/usr/bin/bash")) ? "/bin/bash" : "/bin/sh";
        }
        for (String bash : List.of("usr/bin/bash", "bin/bash")) {
            if (Files.exists(rootfs.resolve(bash), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return "/" + bash;
            }
        }
        return "/bin/sh";
    }

    String logTail(int lines) {
        try {
            Deque<String> tail = new ArrayDeque<>();
            for (String line : Files.readAllLines(logFile, StandardCharsets.UTF_8)) {
                tail.addLast(line);
                if (tail.size() > lines) {
                    tail.removeFirst();
                }
            }
            return String.join("\n", List.copyOf(tail));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws IOException {
        if (removeOnExit != null) { // the workspace is not kept
            try {
                Runtime.getRuntime().removeShutdownHook(removeOnExit);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook runs anyway
            }
            FileTrees.delete(base);
        }
    }
}
