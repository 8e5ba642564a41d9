package dev.kiln.registry.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.kiln.content.ContentException;
import dev.kiln.content.Digest;
import dev.kiln.oci.MediaTypes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Validates a pushed manifest or index and extracts what the registry must know about it: the
 * blobs and child manifests it references, its {@code subject}, artifact type and annotations.
 * It never re-serialises: the stored bytes are the pushed bytes.
 */
public final class ManifestInspector {
    private static final Set<String> KNOWN = Set.of(
            MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX, MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_MANIFEST_LIST);

    /** Refuses duplicate keys instead of letting the last one win. */
    private static final ObjectReader STRICT =
            Exchange.JSON.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

    private ManifestInspector() {}

    /** A descriptor the manifest points at; {@code manifest} is true for index children. */
    public record Reference(Digest digest, long size, String mediaType, boolean manifest) {}

    public record Facts(
            String mediaType,
            @Nullable Digest subject,
            @Nullable String artifactType,
            @Nullable String annotationsJson,
            List<Reference> references) {}

    /**
     * Reads what the registry checks in a pushed manifest.
     *
     * @param contentType the request's Content-Type without parameters, or null
     */
    public static Facts inspect(byte[] body, @Nullable String contentType) {
        JsonNode root;
        try {
            root = STRICT.readTree(body);
        } catch (JsonProcessingException e) {
            if (e.getOriginalMessage().startsWith("Duplicate field")) {
                // With two values for one key, clients that keep the first and clients that keep the last would
                // read different images under one digest.
                JsonLocation at = e.getLocation();
                throw invalid(
                        "manifest has the key " + e.getOriginalMessage().substring("Duplicate field ".length())
                                + " twice in one object"
                                + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
                                + "; every key may appear once",
                        "body");
            }
            throw invalid("manifest is not valid JSON: " + e.getOriginalMessage(), "body");
        } catch (IOException e) {
            throw invalid("manifest cannot be read: " + e.getMessage(), "body");
        }
        if (root == null || !root.isObject()) {
            throw invalid("manifest must be a JSON object", "body");
        }
        if (root.path("schemaVersion").asInt(-1) != 2
                || !root.path("schemaVersion").isIntegralNumber()) {
            throw invalid("manifest schemaVersion must be 2, got " + root.path("schemaVersion"), "schemaVersion");
        }
        String declared = root.hasNonNull("mediaType") ? root.get("mediaType").asText() : null;
        String type = contentType == null || contentType.isEmpty() ? declared : contentType;
        if (type == null) {
            type = root.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
        }
        if (declared != null && !declared.equals(type)) {
            throw invalid(
                    "manifest mediaType '" + declared + "' differs from Content-Type '" + type + "'", "mediaType");
        }
        if (!KNOWN.contains(type)) {
            throw invalid("unsupported manifest media type '" + type + "'", "Content-Type");
        }
        boolean index = MediaTypes.isIndex(type);
        List<Reference> refs = new ArrayList<>();
        String artifactType = text(root, "artifactType");
        if (index) {
            JsonNode manifests = root.get("manifests");
            if (manifests == null || !manifests.isArray()) {
                throw invalid("index must have a 'manifests' array", "manifests");
            }
            for (int i = 0; i < manifests.size(); i++) {
                refs.add(descriptor(manifests.get(i), "manifests[" + i + "]", true));
            }
        } else {
            Reference config = descriptor(root.get("config"), "config", false);
            refs.add(config);
            JsonNode layers = root.get("layers");
            if (layers != null && !layers.isArray()) {
                throw invalid("manifest 'layers' must be an array", "layers");
            }
            if (layers != null) {
                for (int i = 0; i < layers.size(); i++) {
                    refs.add(descriptor(layers.get(i), "layers[" + i + "]", false));
                }
            }
            if (config.mediaType().equals(MediaTypes.OCI_EMPTY)
                    && artifactType == null
                    && type.equals(MediaTypes.OCI_MANIFEST)) {
                throw invalid("manifest with the empty config must set artifactType", "artifactType");
            }
            if (artifactType == null) {
                artifactType = config.mediaType();
            }
        }
        Digest subject = null;
        if (root.has("subject")) {
            subject = descriptor(root.get("subject"), "subject", true).digest();
        }
        JsonNode annotations = root.get("annotations");
        String annotationsJson =
                annotations != null && annotations.isObject() && annotations.size() > 0 ? annotations.toString() : null;
        return new Facts(type, subject, artifactType, annotationsJson, refs);
    }

    /** Layers a registry may not hold (spec: non-distributable); their absence is tolerated. */
    public static boolean nonDistributable(String mediaType) {
        return mediaType.contains(".nondistributable.")
                || mediaType.equals("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip");
    }

    private static Reference descriptor(JsonNode node, String field, boolean manifest) {
        if (node == null || !node.isObject()) {
            throw invalid("descriptor '" + field + "' is missing or not an object", field);
        }
        String mediaType = text(node, "mediaType");
        if (mediaType == null) {
            throw invalid("descriptor '" + field + "' has no mediaType", field + ".mediaType");
        }
        JsonNode size = node.get("size");
        if (size == null || !size.canConvertToLong() || !size.isIntegralNumber() || size.asLong() < 0) {
            throw invalid("descriptor '" + field + "' needs a non-negative integer size", field + ".size");
        }
        String digestText = text(node, "digest");
        if (digestText == null) {
            throw invalid("descriptor '" + field + "': digest is missing", field + ".digest");
        }
        Digest digest;
        try {
            digest = Digest.parse(digestText);
        } catch (ContentException e) {
            throw invalid("descriptor '" + field + "': " + e.getMessage(), field + ".digest");
        }
        return new Reference(digest, size.asLong(), mediaType, manifest);
    }

    private static @Nullable String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    private static HttpError invalid(String message, String field) {
        return new HttpError(400, ErrorCode.MANIFEST_INVALID, message, field);
    }
}
