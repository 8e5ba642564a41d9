package dev.kiln.registry.internal;

import dev.kiln.content.Digest;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.jspecify.annotations.Nullable;

/**
 * Manifests by repository and reference, with their response headers already encoded, so a pull
 * by tag is a map lookup and one write. Every write goes through this process, so invalidating on
 * tag and manifest changes keeps it exact.
 */
public final class ManifestCache {
    private static final int MAX_ENTRIES = 20_000;

    public record Entry(
            Digest digest,
            String mediaType,
            ByteBuffer body,
            HttpField contentType,
            HttpField digestHeader,
            HttpField contentLength) {
        public static Entry of(Digest digest, String mediaType, byte[] body) {
            return new Entry(
                    digest,
                    mediaType,
                    ByteBuffer.wrap(body).asReadOnlyBuffer(),
                    new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, mediaType),
                    new PreEncodedHttpField("Docker-Content-Digest", digest.toString()),
                    new PreEncodedHttpField(HttpHeader.CONTENT_LENGTH, body.length));
        }

        public ByteBuffer freshBody() {
            return body.duplicate();
        }
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final boolean enabled;
    private volatile long generation;

    public ManifestCache() {
        this(true);
    }

    private ManifestCache(boolean enabled) {
        this.enabled = enabled;
    }

    /** A cache that keeps nothing, for storage other processes write too. */
    public static ManifestCache disabled() {
        return new ManifestCache(false);
    }

    private static String key(String repository, String reference) {
        return repository + '\0' + reference;
    }

    public @Nullable Entry get(String repository, String reference) {
        return entries.get(key(repository, reference));
    }

    /** Changes on every invalidation; a reader that loaded from storage caches only if it did not change. */
    public long generation() {
        return generation;
    }

    /** Caches what was read from storage, unless a write invalidated something since {@code seen}. */
    public synchronized void putIfUnchanged(String repository, String reference, Entry entry, long seen) {
        if (!enabled || generation != seen) {
            return;
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(key(repository, reference), entry);
    }

    public synchronized void invalidate(String repository, String reference) {
        generation++;
        entries.remove(key(repository, reference));
    }

    /** Drops every entry of a repository: used when a manifest goes away and tags may point at it. */
    public synchronized void invalidateRepository(String repository) {
        generation++;
        String prefix = repository + '\0';
        entries.keySet().removeIf(k -> k.startsWith(prefix));
    }
}
