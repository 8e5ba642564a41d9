package dev.kiln.oci.distribution;

import dev.kiln.content.Digest;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** One entry of a referrers list: a manifest whose {@code subject} is the queried digest. */
public record Referrer(
        String mediaType,
        Digest digest,
        long size,
        @Nullable String artifactType,
        Map<String, String> annotations) {
    public Referrer {
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }
}
