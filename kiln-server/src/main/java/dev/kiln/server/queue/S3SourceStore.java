package dev.kiln.server.queue;

import dev.kiln.build.source.SharedSources;
import dev.kiln.build.source.SourceCache;
import dev.kiln.build.source.SourceChecksum;
import dev.kiln.objects.ObjectStoreException;
import dev.kiln.objects.S3Location;
import dev.kiln.objects.S3Objects;
import dev.kiln.objects.S3Objects.Precondition;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The upstream source files that the workers of one {@code --storage s3://BUCKET/PREFIX} share: {@code
 * PREFIX/sources/sha256/HEX} holds a file's bytes, {@code PREFIX/sources/sha512/HEX} the text of its sha256 (so a
 * recipe that gives {@code expected-sha512} finds it too). Each object is written once, with {@code If-None-Match:
 * *}; a second writer of the same file is refused, which is success. What is read is checked by the fetcher against
 * the recipe's checksum before use ({@link dev.kiln.build.source.SourceFetcher}), so a wrong object costs a
 * download from upstream, never a wrong build. A client is opened per call, so a builder holding this store needs no
 * closing; a stream returned closes its client when closed.
 */
public final class S3SourceStore implements SharedSources {
    private final S3Location location;
    private final Map<String, String> env;

    private S3SourceStore(S3Location location, Map<String, String> env) {
        this.location = location;
        this.env = Map.copyOf(env);
    }

    /** The store beside the outputs of {@code --storage s3://…}; AWS settings from {@code env}. */
    public static S3SourceStore of(String storage, Map<String, String> env) {
        return new S3SourceStore(S3Location.parse(storage).resolve("sources"), env);
    }

    @Override
    public Optional<InputStream> open(SourceChecksum checksum) {
        S3Objects objects = S3Objects.open(location, env);
        boolean handedOver = false;
        try {
            Optional<String> key = bytesKey(objects, checksum);
            if (key.isEmpty() || objects.head(key.get()).isEmpty()) {
                return Optional.empty();
            }
            InputStream in = new FilterInputStream(objects.read(key.get(), 0)) {
                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        objects.close();
                    }
                }
            };
            handedOver = true;
            return Optional.of(in);
        } catch (ObjectStoreException e) {
            throw new QueueException("cannot read " + checksum + " from " + location + ": " + e.getMessage(), e);
        } finally {
            if (!handedOver) {
                objects.close();
            }
        }
    }

    /** The key of the bytes for {@code checksum}: direct for sha256, through the pointer for sha512. */
    private static Optional<String> bytesKey(S3Objects objects, SourceChecksum checksum) {
        if (checksum.algorithm().equals("sha256")) {
            return Optional.of(key(checksum));
        }
        Optional<S3Objects.Content> pointer = objects.get(key(checksum));
        if (pointer.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(
                    key(SourceChecksum.sha256(new String(pointer.get().bytes(), StandardCharsets.UTF_8).strip())));
        } catch (IllegalArgumentException e) {
            // not a sha256: as if nothing were stored, so the fetcher goes upstream
            return Optional.empty();
        }
    }

    @Override
    public void put(SourceCache.Imported file) {
        try (S3Objects objects = S3Objects.open(location, env)) {
            String key = key(file.sha256());
            if (objects.head(key).isEmpty()) {
                // empty: another worker stored this file between the HEAD and the PUT, which is as good
                objects.putFile(key, file.path(), Precondition.ABSENT);
            }
            objects.put(key(file.sha512()), file.sha256().hex().getBytes(StandardCharsets.UTF_8), Precondition.ABSENT);
        } catch (ObjectStoreException e) {
            throw new QueueException("cannot store " + file.path() + " in " + location + ": " + e.getMessage(), e);
        }
    }

    private static String key(SourceChecksum checksum) {
        return checksum.algorithm() + "/" + checksum.hex();
    }

    @Override
    public String toString() {
        return location.toString();
    }
}
