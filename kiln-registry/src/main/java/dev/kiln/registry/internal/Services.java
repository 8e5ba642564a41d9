package dev.kiln.registry.internal;

import dev.kiln.content.ContentException;
import dev.kiln.content.Digest;
import dev.kiln.registry.GarbageCollector;
import dev.kiln.registry.RegistryStorage;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What the endpoints share: storage, the collector's lock, access control, cache, metrics and limits.
 * {@code blobUrls} is null unless pulls are redirected to signed storage URLs.
 */
public record Services(
        RegistryStorage storage,
        GarbageCollector gc,
        Authenticator auth,
        ManifestCache cache,
        Metrics metrics,
        int maxManifestBytes,
        long maxBlobBytes,
        boolean deleteEnabled,
        boolean metricsPublic,
        RegistryStorage.@Nullable BlobUrls blobUrls,
        @Nullable Duration redirectLifetime) {

    public static Digest digest(String text, String field) {
        try {
            return Digest.parse(text);
        } catch (ContentException e) {
            throw new HttpError(400, ErrorCode.DIGEST_INVALID, e.getMessage(), field);
        }
    }
}
