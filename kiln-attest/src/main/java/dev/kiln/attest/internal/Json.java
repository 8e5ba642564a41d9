package dev.kiln.attest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.attest.AttestException;
import java.io.IOException;
import java.util.Base64;

/** Jackson kept behind this module's API: parse with a named document, write compact UTF-8. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new AttestException("cannot serialise JSON: " + e.getMessage(), e);
        }
    }

    public static JsonNode parse(byte[] json, String what) {
        try {
            JsonNode n = MAPPER.readTree(json);
            if (n == null || n.isMissingNode()) {
                throw new AttestException(what + ": empty document");
            }
            return n;
        } catch (IOException e) {
            throw new AttestException(
                    what + ": not valid JSON: "
                            + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                                    ? j.getOriginalMessage()
                                    : e.getMessage()),
                    e);
        }
    }

    public static ObjectNode parseObject(byte[] json, String what) {
        JsonNode n = parse(json, what);
        if (!n.isObject()) {
            throw new AttestException(what + ": expected a JSON object, found " + n.getNodeType());
        }
        return (ObjectNode) n;
    }

    /** A JDK value tree (Map, List, String, Number, Boolean, null) or JSON bytes as a node. */
    public static JsonNode tree(Object value) {
        if (value instanceof byte[] raw) {
            return parse(raw, "embedded JSON");
        }
        return MAPPER.valueToTree(value);
    }

    public static String requireText(JsonNode o, String field, String what) {
        JsonNode n = o.get(field);
        if (n == null || !n.isTextual()) {
            throw new AttestException(what + ": field '" + field + "' must be a string, found "
                    + (n == null ? "nothing" : n.getNodeType()));
        }
        return n.asText();
    }

    /** Standard or URL-safe base64, as DSSE requires readers to accept both. */
    public static byte[] base64(String text, String what) {
        try {
            return text.indexOf('-') >= 0 || text.indexOf('_') >= 0
                    ? Base64.getUrlDecoder().decode(text)
                    : Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new AttestException(what + ": not base64: " + e.getMessage(), e);
        }
    }
}
