package dev.kiln.content;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Copies and deletes host directory trees without following symbolic links. */
public final class FileTrees {
    private FileTrees() {}

    /** Copies {@code from} into {@code to}, keeping modes and symlinks, replacing files present in both. */
    public static void copy(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isSymbolicLink(target)) {
                    Files.delete(target);
                }
                Files.copy(
                        file,
                        target,
                        StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.COPY_ATTRIBUTES,
                        LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * A private copy of {@code from} at {@code to} that costs no file data: every directory is made afresh
     * (same mode, owned by {@code dirUid}:{@code dirGid} when those are not -1), every symlink is made again,
     * and every other file is a hard link to the original ({@code hardLinks}) or a copy keeping its mode.
     * Whoever owns the new directories may then add, remove and replace entries without touching
     * {@code from}; a hard-linked file can still be written in place by whoever may write the original,
     * so link only when that is not the one who uses the copy. Where {@code to} is on another file
     * system than {@code from}, files are copied instead.
     */
    public static void linkFarm(Path from, Path to, boolean hardLinks, int dirUid, int dirGid) throws IOException {
        // each directory made, with the mode it must end with
        List<Map.Entry<Path, Object>> made = new ArrayList<>();
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path target = to.resolve(from.relativize(dir).toString());
                Files.createDirectories(target);
                if (dirUid >= 0) {
                    Files.setAttribute(target, "unix:uid", dirUid, LinkOption.NOFOLLOW_LINKS);
                }
                if (dirGid >= 0) {
                    Files.setAttribute(target, "unix:gid", dirGid, LinkOption.NOFOLLOW_LINKS);
                }
                made.add(Map.entry(target, Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS)));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path target = to.resolve(from.relativize(file).toString());
                if (attrs.isSymbolicLink()) {
                    Files.createSymbolicLink(target, Files.readSymbolicLink(file));
                } else if (hardLinks && link(target, file)) {
                    return FileVisitResult.CONTINUE;
                } else {
                    Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        // modes last, deepest first, so that read-only directories could be filled
        for (int i = made.size() - 1; i >= 0; i--) {
            Files.setAttribute(made.get(i).getKey(), "unix:mode", made.get(i).getValue(), LinkOption.NOFOLLOW_LINKS);
        }
    }

    /** Hard-links {@code target} to {@code file}; false when they lie on different file systems. */
    private static boolean link(Path target, Path file) throws IOException {
        try {
            Files.createLink(target, file);
            return true;
        } catch (java.nio.file.FileSystemException e) {
            if (e.getReason() != null && e.getReason().contains("cross-device")) {
                return false;
            }
            throw e;
        }
    }

    /** Deletes {@code root} and everything below it; a missing root is not an error. */
    public static void delete(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                // a build may leave directories without write permission for their owner
                dir.toFile().setWritable(true, true);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
