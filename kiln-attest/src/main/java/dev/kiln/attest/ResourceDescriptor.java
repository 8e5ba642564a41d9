package dev.kiln.attest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.attest.internal.Json;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * An in-toto ResourceDescriptor (supply-chain.md §4): at least one of {@code uri} and {@code digest}.
 * {@code digest} maps an algorithm ({@code sha256}, {@code gitCommit}, …) to its hex value.
 * Nullable fields are left out of the JSON.
 */
public record ResourceDescriptor(
        @Nullable String name,
        @Nullable String uri,
        Map<String, String> digest,
        @Nullable String downloadLocation,
        @Nullable String mediaType,
        Map<String, String> annotations) {

    public ResourceDescriptor {
        digest = digest == null ? Map.of() : new TreeMap<>(digest);
        annotations =
                annotations == null ? Map.of() : new TreeMap<>(annotations); // modules not yet under NullAway pass null
        if ((uri == null || uri.isEmpty()) && digest.isEmpty()) {
            throw new AttestException("resource descriptor '" + name + "' needs a uri or a digest");
        }
        digest = Map.copyOf(digest);
        annotations = Map.copyOf(annotations);
    }

    public static ResourceDescriptor of(
            @Nullable String name, @Nullable String uri, String algorithm, @Nullable String hex) {
        return new ResourceDescriptor(name, uri, hex == null ? Map.of() : Map.of(algorithm, hex), null, null, Map.of());
    }

    ObjectNode toNode() {
        ObjectNode o = Json.object();
        if (name != null) {
            o.put("name", name);
        }
        if (uri != null) {
            o.put("uri", uri);
        }
        if (!digest.isEmpty()) {
            ObjectNode d = o.putObject("digest");
            new TreeMap<>(digest).forEach(d::put);
        }
        if (downloadLocation != null) {
            o.put("downloadLocation", downloadLocation);
        }
        if (mediaType != null) {
            o.put("mediaType", mediaType);
        }
        if (!annotations.isEmpty()) {
            ObjectNode a = o.putObject("annotations");
            new TreeMap<>(annotations).forEach(a::put);
        }
        return o;
    }

    static ResourceDescriptor fromNode(JsonNode n, String what) {
        Map<String, String> digest = new TreeMap<>();
        n.path("digest")
                .properties()
                .forEach(e -> digest.put(e.getKey(), e.getValue().asText()));
        Map<String, String> annotations = new TreeMap<>();
        n.path("annotations")
                .properties()
                .forEach(e -> annotations.put(e.getKey(), e.getValue().asText()));
        try {
            return new ResourceDescriptor(
                    text(n, "name"),
                    text(n, "uri"),
                    digest,
                    text(n, "downloadLocation"),
                    text(n, "mediaType"),
                    annotations);
        } catch (AttestException e) {
            throw new AttestException(what + ": " + e.getMessage(), e);
        }
    }

    private static @Nullable String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }
}
