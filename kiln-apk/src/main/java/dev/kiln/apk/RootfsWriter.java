package dev.kiln.apk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a {@link FileTree} (packages installed by {@link Installer}, with their database) into a host
 * directory, so that it can be a sandbox's root filesystem. Entries are written in walk order; directory
 * modes are applied last, so that a read-only directory can still be filled. Owners are not set: the tree
 * is owned by whoever writes it (the sandbox decides which ids that is inside). Device nodes cannot be made
 * without privileges, nor FIFOs with the JDK: both are skipped (the sandbox provides {@code /dev}).
 */
public final class RootfsWriter {

    private RootfsWriter() {}

    /** Writes {@code tree} below {@code dir}, which must exist and be empty. */
    public static void write(FileTree tree, Path dir) {
        List<FileNode> directories = new ArrayList<>();
        try {
            for (FileNode node : tree.entries()) {
                Path target = dir.resolve(node.path());
                switch (node.kind()) {
                    case DIRECTORY -> {
                        Files.createDirectories(target);
                        directories.add(node);
                    }
                    case FILE -> {
                        Files.write(target, node.content());
                        Files.setAttribute(target, "unix:mode", node.mode());
                        Files.setLastModifiedTime(target, FileTime.fromMillis(node.mtime() * 1000));
                    }
                    case SYMLINK -> Files.createSymbolicLink(target, Path.of(node.linkTarget()));
                    case HARDLINK -> Files.createLink(target, dir.resolve(node.linkTarget()));
                    case FIFO, CHAR_DEVICE, BLOCK_DEVICE -> {
                        // the JDK cannot make them (and devices need CAP_MKNOD on the host); /dev comes from the
                        // sandbox
                    }
                }
            }
            for (int i = directories.size() - 1; i >= 0; i--) {
                FileNode node = directories.get(i);
                Path target = dir.resolve(node.path());
                Files.setAttribute(target, "unix:mode", node.mode(), LinkOption.NOFOLLOW_LINKS);
                Files.setLastModifiedTime(target, FileTime.fromMillis(node.mtime() * 1000));
            }
        } catch (IOException e) {
            throw new ApkException("cannot write the root filesystem into " + dir + ": " + e, e);
        }
    }
}
