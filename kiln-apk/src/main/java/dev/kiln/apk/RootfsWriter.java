package dev.kiln.apk;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Writes a {@link FileTree} (packages installed by {@link Installer}, with their database) into a host
 * directory, so that it can be a sandbox's root filesystem: all at once ({@link #write}), or node by node as an
 * installer places them ({@link #put}, then {@link #finish}). Directory modes are applied last, so that a
 * read-only directory can still be filled. Owners are not set: the tree is owned by whoever writes it (the
 * sandbox decides which ids that is inside). Device nodes cannot be made without privileges, nor FIFOs with the
 * JDK: both are skipped (the sandbox provides {@code /dev}).
 */
public final class RootfsWriter {
    private final Path dir;
    private final byte[] buffer = new byte[1 << 17];

    /** A writer into {@code dir}, which must exist and be empty. */
    RootfsWriter(Path dir) {
        this.dir = dir;
    }

    /** Writes {@code tree} below {@code dir}, which must exist and be empty. */
    public static void write(FileTree tree, Path dir) {
        RootfsWriter writer = new RootfsWriter(dir);
        for (FileNode node : tree.entries()) {
            writer.write(node, null, false);
        }
        writer.finish(tree);
    }

    /**
     * Writes {@code node} at its tree path, a regular file's bytes from {@code content} when given (read to its
     * end) and from the node otherwise; what was there is removed first when {@code replacing}, and never
     * written through (a symlink a package left there must not lead out of the directory). Returns the node as
     * the tree keeps it: a regular file's bytes are read back from the directory when asked for, not held.
     *
     * @throws IOException when reading {@code content} fails (the package's stream is corrupt); the directory's
     *     own failures are ApkExceptions naming the file
     */
    FileNode put(FileNode node, @Nullable InputStream content, boolean replacing) throws IOException {
        try {
            return write(node, content, replacing);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private FileNode write(FileNode node, @Nullable InputStream content, boolean replacing) {
        Path target = dir.resolve(node.path());
        try {
            if (replacing && node.kind() != FileNode.Kind.DIRECTORY) {
                Files.deleteIfExists(target);
            }
            switch (node.kind()) {
                case DIRECTORY -> Files.createDirectories(target);
                case FILE -> {
                    long size = content == null
                            ? writeBytes(target, Objects.requireNonNull(node.content(), "a FILE node's bytes"))
                            : copy(content, target);
                    Files.setAttribute(target, "unix:mode", node.mode());
                    Files.setLastModifiedTime(target, FileTime.fromMillis(node.mtime() * 1000));
                    return node.withData(FileData.lazy(size, () -> readBack(target)));
                }
                case SYMLINK -> Files.createSymbolicLink(target, Path.of(node.link()));
                case HARDLINK -> Files.createLink(target, dir.resolve(node.link()));
                case FIFO, CHAR_DEVICE, BLOCK_DEVICE -> {
                    // the JDK cannot make them (and devices need CAP_MKNOD on the host); /dev comes from the sandbox
                }
            }
            return node;
        } catch (IOException e) {
            throw new ApkException("cannot write /" + node.path() + " into the root filesystem " + dir + ": " + e, e);
        }
    }

    /** Creates the directory {@code path} and its parents, which {@link #finish} gives their modes. */
    void mkdirs(String path) {
        try {
            Files.createDirectories(dir.resolve(path));
        } catch (IOException e) {
            throw new ApkException("cannot write /" + path + " into the root filesystem " + dir + ": " + e, e);
        }
    }

    /** Gives every directory of {@code tree} its mode and mtime, deepest first. */
    void finish(FileTree tree) {
        List<FileNode> directories = new ArrayList<>();
        for (FileNode node : tree.entries()) {
            if (node.kind() == FileNode.Kind.DIRECTORY) {
                directories.add(node);
            }
        }
        try {
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

    private static long writeBytes(Path target, byte[] bytes) throws IOException {
        Files.write(target, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return bytes.length;
    }

    /** Copies {@code content} into a new file; its read failures leave as UncheckedIOExceptions, for {@link #put}. */
    private long copy(InputStream content, Path target) throws IOException {
        long size = 0;
        try (OutputStream out =
                Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (true) {
                int n;
                try {
                    n = content.read(buffer);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (n < 0) {
                    return size;
                }
                out.write(buffer, 0, n);
                size += n;
            }
        }
    }

    private static byte[] readBack(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ApkException("cannot read back " + file + ": " + e, e);
        }
    }
}
