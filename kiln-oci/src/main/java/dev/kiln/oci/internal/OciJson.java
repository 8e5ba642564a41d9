package dev.kiln.oci.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.content.ContentException;
import dev.kiln.content.Digest;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.OciException;
import dev.kiln.oci.Platform;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Jackson kept behind Kiln types: objects keep insertion order, so each writer decides its key
 * order once; output is compact UTF-8 without a trailing newline, as registries hash it.
 */
public final class OciJson {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private OciJson() {}

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new OciException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    public static ObjectNode parseObject(byte[] json, String what) {
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node == null || !node.isObject()) {
                throw new OciException(
                        what + ": expected a JSON object, found " + (node == null ? "nothing" : node.getNodeType()));
            }
            return (ObjectNode) node;
        } catch (IOException e) {
            throw new OciException(what + ": invalid JSON: " + e.getMessage(), e);
        }
    }

    public static String text(JsonNode obj, String field, String what) {
        JsonNode n = obj.get(field);
        if (n == null || !n.isTextual()) {
            throw new OciException(what + ": field '" + field + "' must be a string, found "
                    + (n == null ? "nothing" : n.getNodeType()));
        }
        return n.asText();
    }

    public static @Nullable String optText(JsonNode obj, String field) {
        JsonNode n = obj.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    public static @Nullable List<String> optStrings(JsonNode obj, String field) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        n.forEach(e -> out.add(e.asText()));
        return out;
    }

    public static Map<String, String> stringMap(JsonNode obj, String field) {
        JsonNode n = obj.get(field);
        Map<String, String> out = new TreeMap<>();
        if (n != null && n.isObject()) {
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                out.put(e.getKey(), e.getValue().asText());
            }
        }
        return out;
    }

    /** Keys of a JSON object used as a set (OCI {@code Volumes}, {@code ExposedPorts}). */
    public static @Nullable List<String> keys(JsonNode obj, String field) {
        JsonNode n = obj.get(field);
        if (n == null || !n.isObject()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    public static void putStrings(ObjectNode obj, String field, @Nullable List<String> values) {
        if (values != null) {
            ArrayNode a = obj.putArray(field);
            values.forEach(a::add);
        }
    }

    public static void putMap(ObjectNode obj, String field, @Nullable Map<String, String> map) {
        if (map != null && !map.isEmpty()) {
            ObjectNode o = obj.putObject(field);
            new TreeMap<>(map).forEach(o::put);
        }
    }

    public static ObjectNode descriptor(Descriptor d) {
        ObjectNode o = object();
        o.put("mediaType", d.mediaType());
        if (d.artifactType() != null) {
            o.put("artifactType", d.artifactType());
        }
        o.put("digest", d.digest().toString());
        o.put("size", d.size());
        putMap(o, "annotations", d.annotations());
        if (d.platform() != null) {
            ObjectNode p = o.putObject("platform");
            p.put("architecture", d.platform().architecture());
            p.put("os", d.platform().os());
            if (d.platform().variant() != null) {
                p.put("variant", d.platform().variant());
            }
        }
        return o;
    }

    public static Descriptor readDescriptor(JsonNode n, String what) {
        if (n == null || !n.isObject()) {
            throw new OciException(what + ": expected a descriptor object");
        }
        Digest digest;
        try {
            digest = Digest.parse(text(n, "digest", what));
        } catch (ContentException e) {
            throw new OciException(what + ": " + e.getMessage(), e);
        }
        JsonNode size = n.get("size");
        if (size == null || !size.canConvertToLong()) {
            throw new OciException(what + ": field 'size' must be a number");
        }
        Platform platform = null;
        JsonNode p = n.get("platform");
        if (p != null && p.isObject()) {
            platform = new Platform(
                    text(p, "os", what + " platform"),
                    text(p, "architecture", what + " platform"),
                    optText(p, "variant"));
        }
        return new Descriptor(
                text(n, "mediaType", what),
                digest,
                size.asLong(),
                stringMap(n, "annotations"),
                platform,
                optText(n, "artifactType"));
    }

    // ---- what an image manifest and an image index share (image-spec manifest.md, image-index.md) ----

    /** Starts a manifest or index with the spec's leading keys: schemaVersion, mediaType, artifactType when set. */
    public static ObjectNode startImageDocument(String mediaType, @Nullable String artifactType) {
        ObjectNode o = object();
        o.put("schemaVersion", 2);
        o.put("mediaType", mediaType);
        if (artifactType != null) {
            o.put("artifactType", artifactType);
        }
        return o;
    }

    public static void putDescriptors(ObjectNode obj, String field, List<Descriptor> descriptors) {
        ArrayNode a = obj.putArray(field);
        descriptors.forEach(d -> a.add(descriptor(d)));
    }

    /** Ends a manifest or index with its trailing keys (subject when set, annotations when any) and serialises it. */
    public static byte[] finishImageDocument(
            ObjectNode obj, @Nullable Descriptor subject, Map<String, String> annotations) {
        if (subject != null) {
            obj.set("subject", descriptor(subject));
        }
        putMap(obj, "annotations", annotations);
        return bytes(obj);
    }

    /** Parses a manifest or index and checks that its schemaVersion is 2; {@code what} names it in errors. */
    public static ObjectNode parseImageDocument(byte[] json, String what) {
        ObjectNode o = parseObject(json, what);
        JsonNode version = o.get("schemaVersion");
        if (version == null || version.asInt() != 2) {
            throw new OciException(what + ": schemaVersion must be 2, found " + version);
        }
        return o;
    }

    /**
     * The document's mediaType, {@code fallback} when absent; a present one must satisfy
     * {@code accepted}, which {@code expected} describes in the error.
     */
    public static String imageDocumentMediaType(
            ObjectNode obj, String what, Predicate<String> accepted, String expected, String fallback) {
        String mediaType = optText(obj, "mediaType");
        if (mediaType != null && !accepted.test(mediaType)) {
            throw new OciException(what + ": mediaType must be " + expected + ", found '" + mediaType + "'");
        }
        return mediaType == null ? fallback : mediaType;
    }

    /** A required array of descriptors; element {@code i} is named {@code what field[i]} in errors. */
    public static List<Descriptor> readDescriptors(JsonNode obj, String field, String what) {
        JsonNode array = obj.get(field);
        if (array == null || !array.isArray()) {
            throw new OciException(what + ": field '" + field + "' must be an array");
        }
        List<Descriptor> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            out.add(readDescriptor(array.get(i), what + " " + field + "[" + i + "]"));
        }
        return out;
    }

    /** The descriptor in {@code field}, or null when the field is absent. */
    public static @Nullable Descriptor readOptionalDescriptor(JsonNode obj, String field, String what) {
        return obj.has(field) ? readDescriptor(obj.get(field), what + " " + field) : null;
    }

    public static Map<String, String> orderedCopy(Map<String, String> m) {
        return m == null ? Map.of() : new LinkedHashMap<>(m);
    }
}
