package dev.kiln.server.queue;

import dev.kiln.content.Digest;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Where workers put what builds make (packages and logs) for reconcilers to publish: bytes stored once under
 * their sha256 digest, so two workers storing the same output write the same key and neither can overwrite
 * another output. A shared directory today ({@link FileOutputStore}); object storage plugs in behind the same
 * three methods. Checking stored bytes against a digest lives in {@link OutputStores}, written once.
 */
public interface OutputStore {
    /** Stores the file's bytes under their digest (kept as it is when already stored); returns the digest. */
    Digest put(Path file);

    /** The bytes stored under {@code digest}; throws {@link QueueException} when nothing is. */
    InputStream open(Digest digest);

    /** Whether anything is stored under {@code digest}. */
    boolean contains(Digest digest);
}
