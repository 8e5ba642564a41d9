package dev.kiln.attest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.attest.internal.Json;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A Sigstore bundle v0.3 (supply-chain.md §9) for a key-based signature: verification material is a
 * public-key hint, and the content is either a message signature or one DSSE envelope. Kiln's bundles
 * carry no transparency-log entry: their trust comes from the key alone.
 */
public final class SigstoreBundle {
    public static final String MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";
    static final Set<String> ACCEPTED_MEDIA_TYPES = Set.of(
            MEDIA_TYPE,
            "application/vnd.dev.sigstore.bundle+json;version=0.1",
            "application/vnd.dev.sigstore.bundle+json;version=0.2",
            "application/vnd.dev.sigstore.bundle+json;version=0.3");

    private final String mediaType;
    private final String keyHint;
    private final Dsse.@Nullable Envelope envelope;
    private final byte @Nullable [] messageDigest;
    private final byte @Nullable [] messageSignature;

    private SigstoreBundle(
            String mediaType,
            String keyHint,
            Dsse.@Nullable Envelope envelope,
            byte @Nullable [] messageDigest,
            byte @Nullable [] messageSignature) {
        this.mediaType = mediaType;
        this.keyHint = keyHint;
        this.envelope = envelope;
        this.messageDigest = messageDigest;
        this.messageSignature = messageSignature;
    }

    /** A bundle of a DSSE envelope; Sigstore allows exactly one signature in it. */
    public static SigstoreBundle of(Dsse.Envelope envelope, VerificationKey key) {
        if (envelope.signatures().size() != 1) {
            throw new AttestException("a Sigstore bundle holds a DSSE envelope with exactly one signature, found "
                    + envelope.signatures().size());
        }
        return new SigstoreBundle(MEDIA_TYPE, key.hint(), envelope, null, null);
    }

    /** A bundle signing {@code artifact} itself (cosign {@code sign-blob}). */
    public static SigstoreBundle signMessage(byte[] artifact, SigningKey key) {
        return new SigstoreBundle(
                MEDIA_TYPE, key.verificationKey().hint(), null, VerificationKey.sha256(artifact), key.sign(artifact));
    }

    /** The content kind as cosign annotates it: {@code dsse-envelope} or {@code message-signature}. */
    public String contentKind() {
        return envelope != null ? "dsse-envelope" : "message-signature";
    }

    public String keyHint() {
        return keyHint;
    }

    /** The DSSE envelope, or null for a message-signature bundle. */
    public Dsse.@Nullable Envelope envelope() {
        return envelope;
    }

    public byte[] toJson() {
        ObjectNode o = Json.object();
        o.put("mediaType", mediaType);
        o.putObject("verificationMaterial").putObject("publicKey").put("hint", keyHint);
        if (envelope != null) {
            o.set("dsseEnvelope", envelope.toNode());
        } else {
            ObjectNode ms = o.putObject("messageSignature");
            ms.putObject("messageDigest")
                    .put("algorithm", "SHA2_256")
                    .put("digest", Base64.getEncoder().encodeToString(messageDigest));
            ms.put("signature", Base64.getEncoder().encodeToString(messageSignature));
        }
        return Json.bytes(o);
    }

    public static SigstoreBundle parse(byte[] json, String what) {
        ObjectNode o = Json.parseObject(json, what);
        String mediaType = Json.requireText(o, "mediaType", what);
        if (!ACCEPTED_MEDIA_TYPES.contains(mediaType)) {
            throw new AttestException(what + ": bundle mediaType must be " + MEDIA_TYPE
                    + " (or an older version), found '" + mediaType + "'");
        }
        String hint =
                o.path("verificationMaterial").path("publicKey").path("hint").asText(null);
        JsonNode dsse = o.get("dsseEnvelope");
        JsonNode ms = o.get("messageSignature");
        if ((dsse == null) == (ms == null)) {
            throw new AttestException(what + ": a bundle holds exactly one of 'dsseEnvelope' and 'messageSignature'");
        }
        if (dsse != null) {
            Dsse.Envelope env = Dsse.Envelope.fromNode(dsse, what + " dsseEnvelope");
            if (env.signatures().size() != 1) {
                throw new AttestException(what + ": dsseEnvelope must hold exactly one signature, found "
                        + env.signatures().size());
            }
            return new SigstoreBundle(mediaType, hint, env, null, null);
        }
        String algorithm = ms.path("messageDigest").path("algorithm").asText();
        if (!algorithm.equals("SHA2_256")) {
            throw new AttestException(what + ": messageDigest.algorithm must be SHA2_256, found '" + algorithm + "'");
        }
        return new SigstoreBundle(
                mediaType,
                hint,
                null,
                Json.base64(ms.path("messageDigest").path("digest").asText(), what + " messageDigest.digest"),
                Json.base64(
                        Json.requireText(ms, "signature", what + " messageSignature"),
                        what + " messageSignature.signature"));
    }

    /** Verifies the DSSE content and returns the verified payload bytes. */
    public byte[] verifyEnvelope(VerificationKey key, String what) {
        if (envelope == null) {
            throw new AttestException(what + ": bundle holds a message signature, expected a DSSE envelope");
        }
        return Dsse.verify(envelope, key, what);
    }

    /** Verifies a message-signature bundle against the artifact's bytes. */
    public void verifyMessage(byte[] artifact, VerificationKey key, String what) {
        if (envelope != null) {
            throw new AttestException(what + ": bundle holds a DSSE envelope, expected a message signature");
        }
        if (!MessageDigest.isEqual(VerificationKey.sha256(artifact), messageDigest)) {
            throw new AttestException(what + ": artifact's SHA-256 differs from the bundle's messageDigest");
        }
        if (messageSignature == null || !key.verify(artifact, messageSignature)) {
            throw new AttestException(what + ": message signature does not verify with " + key);
        }
    }
}
