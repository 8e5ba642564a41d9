package dev.kiln.attest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.attest.internal.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Dead Simple Signing Envelope (supply-chain.md §6): sign and verify the PAE bytes, never the JSON. */
public final class Dsse {
    public static final String MEDIA_TYPE = "application/vnd.dsse.envelope.v1+json";
    public static final String IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

    private Dsse() {}

    /** One signature; {@code keyId} is an unauthenticated hint and may be empty. */
    // bytes carried as they are; nothing compares these records with equals (arrays compare by identity)
    @SuppressWarnings("ArrayRecordComponent")
    public record Signature(String keyId, byte[] sig) {
        public Signature {
            keyId = keyId == null ? "" : keyId;
        }
    }

    /** An envelope: the exact payload bytes, their type and the signatures over PAE(type, payload). */
    // bytes carried as they are; nothing compares these records with equals (arrays compare by identity)
    @SuppressWarnings("ArrayRecordComponent")
    public record Envelope(String payloadType, byte[] payload, List<Signature> signatures) {
        public Envelope {
            signatures = List.copyOf(signatures);
        }

        public byte[] toJson() {
            return Json.bytes(toNode());
        }

        ObjectNode toNode() {
            ObjectNode o = Json.object();
            o.put("payload", Base64.getEncoder().encodeToString(payload));
            o.put("payloadType", payloadType);
            ArrayNode sigs = o.putArray("signatures");
            for (Signature s : signatures) {
                ObjectNode n = sigs.addObject();
                n.put("keyid", s.keyId());
                n.put("sig", Base64.getEncoder().encodeToString(s.sig()));
            }
            return o;
        }

        public static Envelope parse(byte[] json, String what) {
            return fromNode(Json.parseObject(json, what), what);
        }

        static Envelope fromNode(JsonNode o, String what) {
            byte[] payload = Json.base64(Json.requireText(o, "payload", what), what + " payload");
            String type = Json.requireText(o, "payloadType", what);
            JsonNode sigs = o.get("signatures");
            if (sigs == null || !sigs.isArray() || sigs.isEmpty()) {
                throw new AttestException(what + ": field 'signatures' must be a non-empty array");
            }
            List<Signature> out = new ArrayList<>();
            for (int i = 0; i < sigs.size(); i++) {
                JsonNode s = sigs.get(i);
                out.add(new Signature(
                        s.path("keyid").asText(""),
                        Json.base64(
                                Json.requireText(s, "sig", what + " signatures[" + i + "]"),
                                what + " signatures[" + i + "].sig")));
            }
            return new Envelope(type, payload, out);
        }
    }

    /** {@code "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body}, lengths in ASCII decimal bytes. */
    public static byte[] pae(String payloadType, byte[] body) {
        byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(32 + type.length + body.length);
        out.writeBytes(("DSSEv1 " + type.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(type);
        out.writeBytes((" " + body.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        return out.toByteArray();
    }

    public static Envelope sign(String payloadType, byte[] payload, SigningKey key) {
        byte[] sig = key.sign(pae(payloadType, payload));
        return new Envelope(
                payloadType,
                payload,
                List.of(new Signature(key.verificationKey().keyId(), sig)));
    }

    /**
     * Verifies that at least one signature is valid under {@code key} and returns the payload bytes
     * that were verified, for the caller to parse; throws naming {@code what} otherwise.
     */
    public static byte[] verify(Envelope envelope, VerificationKey key, String what) {
        byte[] pae = pae(envelope.payloadType(), envelope.payload());
        for (Signature s : envelope.signatures()) {
            if (key.verify(pae, s.sig())) {
                return envelope.payload();
            }
        }
        throw new AttestException(what + ": none of " + envelope.signatures().size()
                + " DSSE signature(s) verifies with " + key + " (payload sha256:"
                + java.util.HexFormat.of().formatHex(VerificationKey.sha256(envelope.payload())) + ")");
    }
}
