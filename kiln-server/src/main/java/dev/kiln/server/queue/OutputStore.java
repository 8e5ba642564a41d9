package dev.kiln.server.queue;

import dev.kiln.content.Digest;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Where workers put what builds make (packages and logs) for reconcilers to publish: bytes stored once under
 * their sha256 digest, so two workers storing the same output write the same key and neither can overwrite
 * another output: a shared directory ({@link FileOutputStore}) or object storage ({@link S3OutputStore}). Checking
 * stored bytes against a digest lives in {@link OutputStores}, written once. Close a store when done with it (a
 * directory holds nothing open; an S3 client holds connections and threads).
 */
public interface OutputStore extends AutoCloseable {
    /** Stores the file's bytes under their digest (kept as it is when already stored); returns the digest. */
    Digest put(Path file);

    /** The bytes stored under {@code digest}; throws {@link QueueException} when nothing is. */
    InputStream open(Digest digest);

    /** Whether anything is stored under {@code digest}. */
    boolean contains(Digest digest);

    @Override
    default void close() {}
}
