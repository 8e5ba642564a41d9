package dev.kiln.oci;

import dev.kiln.content.Digest;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * An OCI content descriptor. {@code annotations} is never null (empty when absent) and kept sorted
 * so that written JSON does not depend on insertion order; {@code platform} and {@code artifactType}
 * are nullable.
 */
public record Descriptor(
        String mediaType,
        Digest digest,
        long size,
        Map<String, String> annotations,
        @Nullable Platform platform,
        @Nullable String artifactType) {

    public Descriptor {
        if (mediaType == null || mediaType.isEmpty()) {
            throw new OciException("descriptor has no mediaType");
        }
        if (digest == null) {
            throw new OciException("descriptor of " + mediaType + " has no digest");
        }
        if (size < 0) {
            throw new OciException("descriptor " + digest + " has negative size " + size);
        }
        annotations = annotations == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(annotations));
    }

    public static Descriptor of(String mediaType, Digest digest, long size) {
        return new Descriptor(mediaType, digest, size, Map.of(), null, null);
    }

    /** The descriptor of {@code content}, hashed with SHA-256. */
    public static Descriptor of(String mediaType, byte[] content) {
        return of(mediaType, Digest.sha256(content), content.length);
    }

    public Descriptor withAnnotations(Map<String, String> newAnnotations) {
        return new Descriptor(mediaType, digest, size, newAnnotations, platform, artifactType);
    }

    public Descriptor withAnnotation(String key, String value) {
        Map<String, String> a = new TreeMap<>(annotations);
        a.put(key, value);
        return withAnnotations(a);
    }

    public Descriptor withPlatform(Platform newPlatform) {
        return new Descriptor(mediaType, digest, size, annotations, newPlatform, artifactType);
    }

    public Descriptor withArtifactType(String newArtifactType) {
        return new Descriptor(mediaType, digest, size, annotations, platform, newArtifactType);
    }
}
