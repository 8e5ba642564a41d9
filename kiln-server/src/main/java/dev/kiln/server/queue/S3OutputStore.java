package dev.kiln.server.queue;

import dev.kiln.content.Digest;
import dev.kiln.objects.ObjectStoreException;
import dev.kiln.objects.S3Location;
import dev.kiln.objects.S3Objects;
import dev.kiln.objects.S3Objects.Precondition;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * Outputs in object storage ({@code --storage s3://BUCKET/PREFIX}), under the same keys as {@link FileOutputStore}'s
 * paths: {@code PREFIX/sha256/ab/abcdef…}. An object is written once, with {@code If-None-Match: *}: a second
 * writer of the same digest is refused by the server (and that is success: the bytes are the same), and nothing can
 * replace an output once stored. S3 makes an object visible only when its PUT completes, so a reader sees all of it
 * or nothing. Endpoint, region and credentials come from the AWS variables in the settings' environment.
 */
public final class S3OutputStore implements OutputStore {
    private final S3Objects objects;

    private S3OutputStore(S3Objects objects) {
        this.objects = objects;
    }

    /** The store at {@code location}; endpoint, region and credentials from {@code env} (as the AWS CLI reads them). */
    public static S3OutputStore open(S3Location location, Map<String, String> env) {
        return new S3OutputStore(S3Objects.open(location, env));
    }

    /** The key of {@code digest} under the location's prefix. */
    static String keyOf(Digest digest) {
        return digest.algorithm() + "/" + digest.hex().substring(0, 2) + "/" + digest.hex();
    }

    @Override
    public Digest put(Path file) {
        Digest digest = Digest.sha256(file);
        String key = keyOf(digest);
        try {
            if (objects.head(key).isEmpty()) {
                // empty: another writer stored this digest between the HEAD and the PUT, which is as good
                objects.putFile(key, file, Precondition.ABSENT);
            }
        } catch (ObjectStoreException e) {
            throw new QueueException("cannot store " + file + " in " + this + ": " + e.getMessage(), e);
        }
        return digest;
    }

    @Override
    public InputStream open(Digest digest) {
        String key = keyOf(digest);
        try {
            if (objects.head(key).isEmpty()) {
                throw new QueueException("output store " + this + " has nothing under " + digest);
            }
            return objects.read(key, 0);
        } catch (ObjectStoreException e) {
            throw new QueueException("cannot read " + digest + " from " + this + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean contains(Digest digest) {
        try {
            return objects.head(keyOf(digest)).isPresent();
        } catch (ObjectStoreException e) {
            throw new QueueException("cannot look for " + digest + " in " + this + ": " + e.getMessage(), e);
        }
    }

    /** Releases the client's connections and threads. */
    @Override
    public void close() {
        objects.close();
    }

    @Override
    public String toString() {
        return objects.location().toString();
    }
}
