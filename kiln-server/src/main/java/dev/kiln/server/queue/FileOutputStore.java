package dev.kiln.server.queue;

import dev.kiln.content.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Outputs in a directory every worker and reconciler can reach (a local disk for workers on one machine, NFS for
 * several): {@code ROOT/sha256/ab/abcdef…}. A file is written beside its key under a unique temporary name and
 * then moved into place atomically, so a reader sees all of it or nothing, and a second writer of the same digest
 * finds it there and keeps it.
 */
public final class FileOutputStore implements OutputStore {
    private final Path root;

    public FileOutputStore(Path root) {
        this.root = root.toAbsolutePath();
    }

    public Path root() {
        return root;
    }

    /** Where the bytes of {@code digest} are kept. */
    public Path pathOf(Digest digest) {
        return root.resolve(digest.algorithm())
                .resolve(digest.hex().substring(0, 2))
                .resolve(digest.hex());
    }

    @Override
    public Digest put(Path file) {
        Digest digest = Digest.sha256(file);
        Path target = pathOf(digest);
        if (Files.exists(target)) {
            return digest;
        }
        try {
            Files.createDirectories(target.getParent());
            Path temp = Files.createTempFile(target.getParent(), ".put-", ".tmp");
            try {
                Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING);
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException e) {
                    // another writer stored the same bytes first
                } catch (AtomicMoveNotSupportedException e) {
                    throw new QueueException(
                            "output store " + root + " cannot rename atomically: " + e.getMessage(), e);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
            return digest;
        } catch (IOException e) {
            throw new QueueException("cannot store " + file + " in " + root + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream open(Digest digest) {
        try {
            return Files.newInputStream(pathOf(digest));
        } catch (NoSuchFileException e) {
            throw new QueueException("output store " + root + " has nothing under " + digest, e);
        } catch (IOException e) {
            throw new QueueException("cannot read " + digest + " from " + root + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean contains(Digest digest) {
        return Files.isRegularFile(pathOf(digest));
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
