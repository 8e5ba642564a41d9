package dev.kiln.attest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.attest.internal.Json;
import dev.kiln.content.ContentException;
import dev.kiln.content.Digest;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * cosign's "simple signing" payload (supply-chain.md §7.1): the blob a {@code .sig} layer holds and
 * its signature covers. Written with lowercase keys; read case-insensitively as Go decoders do.
 */
public record SimpleSigning(@Nullable String dockerReference, Digest manifestDigest, Map<String, String> optional) {
    public static final String MEDIA_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json";
    public static final String TYPE = "cosign container image signature";

    public SimpleSigning {
        optional = optional == null ? Map.of() : Map.copyOf(new TreeMap<>(optional));
    }

    public byte[] toJson() {
        ObjectNode o = Json.object();
        ObjectNode critical = o.putObject("critical");
        critical.putObject("identity").put("docker-reference", dockerReference);
        critical.putObject("image").put("docker-manifest-digest", manifestDigest.toString());
        critical.put("type", TYPE);
        if (optional.isEmpty()) {
            o.putNull("optional");
        } else {
            ObjectNode opt = o.putObject("optional");
            new TreeMap<>(optional).forEach(opt::put);
        }
        return Json.bytes(o);
    }

    public static SimpleSigning parse(byte[] json, String what) {
        ObjectNode o = Json.parseObject(json, what);
        JsonNode critical = field(o, "critical");
        String type = text(field(critical, "type"));
        if (!TYPE.equals(type)) {
            throw new AttestException(what + ": critical.type must be '" + TYPE + "', found '" + type + "'");
        }
        String digest = text(field(field(critical, "image"), "docker-manifest-digest"));
        if (digest == null) {
            throw new AttestException(what + ": critical.image.docker-manifest-digest is missing");
        }
        Digest parsed;
        try {
            parsed = Digest.parse(digest);
        } catch (ContentException e) {
            throw new AttestException(what + ": critical.image.docker-manifest-digest: " + e.getMessage(), e);
        }
        Map<String, String> optional = new TreeMap<>();
        JsonNode opt = field(o, "optional");
        if (opt != null && opt.isObject()) {
            opt.properties()
                    .forEach(e -> optional.put(
                            e.getKey(),
                            e.getValue().isTextual()
                                    ? e.getValue().asText()
                                    : e.getValue().toString()));
        }
        return new SimpleSigning(text(field(field(critical, "identity"), "docker-reference")), parsed, optional);
    }

    private static @Nullable JsonNode field(@Nullable JsonNode o, String name) {
        if (o == null || !o.isObject()) {
            return null;
        }
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (k.equalsIgnoreCase(name)) {
                return o.get(k);
            }
        }
        return null;
    }

    private static @Nullable String text(@Nullable JsonNode n) {
        return n == null || !n.isTextual() ? null : n.asText();
    }
}
