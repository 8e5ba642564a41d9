package dev.kiln.sandbox.internal;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Measures a workspace while a build runs, so that one that grows past its limit is stopped before it
 * fills the host's disk. Files vanishing mid-walk are expected (the build is running) and skipped.
 */
public final class WorkspaceWatch {

    private final Path root;
    private final long maxBytes;

    public WorkspaceWatch(Path root, long maxBytes) {
        this.root = root;
        this.maxBytes = maxBytes;
    }

    public boolean exceeded() {
        return size() > maxBytes;
    }

    /** The apparent size of the tree's regular files, symlinks not followed; stops counting past the limit. */
    long size() {
        long[] total = {0};
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        total[0] += attrs.size();
                    }
                    return total[0] > maxBytes ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // A tree changing under the walk is measured again at the next poll.
        }
        return total[0];
    }
}
