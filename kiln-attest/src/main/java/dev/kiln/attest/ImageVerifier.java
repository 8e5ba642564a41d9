package dev.kiln.attest;

import dev.kiln.attest.internal.Json;
import dev.kiln.content.Digest;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.ImageIndex;
import dev.kiln.oci.ImageReference;
import dev.kiln.oci.Manifest;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.distribution.RegistryClient;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Verifies an image's signatures and attestations against a {@link VerificationPolicy}, reading both
 * cosign's legacy tags and OCI 1.1 referrers. Signatures are checked before anything signed is
 * parsed, and the signed digest must be the image's digest.
 */
public final class ImageVerifier {
    private final SignatureStore store;
    private final VerificationPolicy policy;
    private final List<VerificationReport.Check> checks = new ArrayList<>();
    private final List<VerificationReport.VerifiedAttestation> verified = new ArrayList<>();
    private final Digest subject;

    private ImageVerifier(SignatureStore store, VerificationPolicy policy, Digest subject) {
        this.store = store;
        this.policy = policy;
        this.subject = subject;
    }

    public static VerificationReport verify(RegistryClient client, ImageReference image, VerificationPolicy policy) {
        return verify(SignatureStore.registry(client, image), image.identifier(), policy);
    }

    /** Verifies the image a tag or digest names in {@code store}. */
    public static VerificationReport verify(SignatureStore store, String tagOrDigest, VerificationPolicy policy) {
        Descriptor target = store.resolve(tagOrDigest);
        return new ImageVerifier(store, policy, target.digest()).run(tagOrDigest, target);
    }

    private VerificationReport run(String reference, Descriptor target) {
        String image = store.repositoryName() + (Digest.looksLikeDigest(reference) ? "@" + reference : ":" + reference);
        if (policy.checkBlobs()) {
            checkImageBlobs(target);
        }
        checkLegacySignatures();
        checkLegacyAttestations();
        checkReferrers();
        return new VerificationReport(image, subject, checks, verified, failures());
    }

    private List<String> failures() {
        List<String> out = new ArrayList<>();
        for (VerificationReport.Check c : checks) {
            if (!c.passed() && !(c.unverified() && policy.allowOtherSigners())) {
                out.add(c.kind() + " " + c.location() + ": " + c.detail());
            }
        }
        String places = "tags " + CosignStorage.signatureTag(subject) + "/" + CosignStorage.attestationTag(subject)
                + " and referrers of " + subject;
        if (policy.requireSignature()
                && checks.stream().noneMatch(c -> c.passed() && c.kind().equals("signature"))) {
            out.add("no signature of " + subject + " verifies with " + keys() + " (looked in " + places + ")");
        }
        for (String type : policy.requiredPredicateTypes()) {
            boolean found = checks.stream()
                    .anyMatch(c -> c.passed()
                            && c.kind().equals("attestation")
                            && PredicateTypes.matches(type, c.predicateType()));
            if (!found) {
                out.add("no attestation of type " + type + " for " + subject + " verifies with " + keys()
                        + " (looked in " + places + ")");
            }
        }
        return out;
    }

    private String keys() {
        return policy.keys().stream().map(VerificationKey::toString).toList().toString();
    }

    private void checkImageBlobs(Descriptor target) {
        String where = "image manifest " + target.digest();
        try {
            byte[] body = store.manifest(target.digest());
            if (MediaTypes.isIndex(target.mediaType())) {
                for (Descriptor child : ImageIndex.parse(body).manifests()) {
                    checkImageBlobs(child);
                }
                return;
            }
            Manifest m = Manifest.parse(body);
            store.blob(m.config().digest());
            for (Descriptor layer : m.layers()) {
                where = "layer " + layer.digest() + " of " + target.digest();
                store.blob(layer.digest());
            }
            checks.add(new VerificationReport.Check(
                    "blob",
                    "image manifest " + target.digest(),
                    null,
                    true,
                    "config and " + m.layers().size() + " layer(s) match their digests"));
        } catch (RuntimeException e) {
            checks.add(new VerificationReport.Check("blob", where, null, false, e.getMessage()));
        }
    }

    private void checkLegacySignatures() {
        String tag = CosignStorage.signatureTag(subject);
        Manifest m = legacyManifest(tag, "signature");
        if (m == null) {
            return;
        }
        for (int i = 0; i < m.layers().size(); i++) {
            Descriptor layer = m.layers().get(i);
            String location = "tag " + tag + " layer " + i + " (" + layer.digest() + ")";
            try {
                byte[] payload = store.blob(layer.digest());
                String sig = layer.annotations().get(CosignStorage.SIGNATURE_ANNOTATION);
                if (sig == null) {
                    throw new AttestException("layer has no " + CosignStorage.SIGNATURE_ANNOTATION + " annotation");
                }
                VerificationKey key = keyFor(payload, Json.base64(sig, "signature annotation"));
                if (key == null) {
                    throw new NoKeyVerifies(
                            "signature does not verify with " + keys() + " over payload " + Digest.sha256(payload));
                }
                SimpleSigning s = SimpleSigning.parse(payload, "simple-signing payload");
                if (!s.manifestDigest().equals(subject)) {
                    throw new AttestException("payload signs " + s.manifestDigest() + ", not the image " + subject);
                }
                checks.add(new VerificationReport.Check("signature", location, null, true, "verified with " + key));
            } catch (RuntimeException e) {
                failed("signature", location, null, e);
            }
        }
    }

    private void checkLegacyAttestations() {
        String tag = CosignStorage.attestationTag(subject);
        Manifest m = legacyManifest(tag, "attestation");
        if (m == null) {
            return;
        }
        for (int i = 0; i < m.layers().size(); i++) {
            Descriptor layer = m.layers().get(i);
            String declared = layer.annotations().get(CosignStorage.PREDICATE_TYPE_ANNOTATION);
            String location = "tag " + tag + " layer " + i + " (" + layer.digest() + ")";
            try {
                Dsse.Envelope env = Dsse.Envelope.parse(store.blob(layer.digest()), "DSSE envelope");
                checkStatement(env, declared, location);
            } catch (RuntimeException e) {
                failed("attestation", location, declared, e);
            }
        }
    }

    private void checkReferrers() {
        List<Descriptor> referrers;
        try {
            referrers = store.referrers(subject);
        } catch (RuntimeException e) {
            checks.add(
                    new VerificationReport.Check("signature", "referrers of " + subject, null, false, e.getMessage()));
            return;
        }
        for (Descriptor r : referrers) {
            String type = r.artifactType();
            if (type != null
                    && !type.equals(SigstoreBundle.MEDIA_TYPE)
                    && !type.startsWith("application/vnd.dev.sigstore.bundle")
                    && !type.equals(CosignStorage.IN_TOTO_ARTIFACT_TYPE)) {
                continue;
            }
            String declared = r.annotations().get(CosignStorage.BUNDLE_PREDICATE_TYPE_ANNOTATION);
            String kind = PredicateTypes.COSIGN_SIGN.equals(declared) ? "signature" : "attestation";
            String location = "referrer " + r.digest();
            try {
                Manifest m = Manifest.parse(store.manifest(r.digest()));
                if (m.subject() == null || !m.subject().digest().equals(subject)) {
                    throw new AttestException("manifest subject is "
                            + (m.subject() == null ? "missing" : m.subject().digest()) + ", not the image " + subject);
                }
                if (m.layers().size() != 1) {
                    throw new AttestException(
                            "expected one layer, found " + m.layers().size());
                }
                Descriptor layer = m.layers().get(0);
                byte[] content = store.blob(layer.digest());
                Dsse.Envelope env = layer.mediaType().equals(Dsse.MEDIA_TYPE)
                        ? Dsse.Envelope.parse(content, "DSSE envelope")
                        : SigstoreBundle.parse(content, "bundle " + layer.digest())
                                .envelope();
                if (env == null) {
                    throw new AttestException(
                            "bundle holds a message signature, which cannot name the image; expected a DSSE envelope");
                }
                checkStatement(env, declared, location);
            } catch (RuntimeException e) {
                failed(kind, location, declared, e);
            }
        }
    }

    /** Verify first, then parse the verified bytes; the statement must name the image by digest. */
    private void checkStatement(Dsse.Envelope env, @Nullable String declaredType, String location) {
        VerificationKey key = null;
        byte[] payload = null;
        for (VerificationKey k : policy.keys()) {
            try {
                payload = Dsse.verify(env, k, "envelope");
                key = k;
                break;
            } catch (AttestException e) {
                // try the next key
            }
        }
        if (key == null || payload == null) {
            throw new NoKeyVerifies("DSSE signature does not verify with " + keys() + " (payload "
                    + Digest.sha256(env.payload()) + ")");
        }
        if (!env.payloadType().equals(Dsse.IN_TOTO_PAYLOAD_TYPE)) {
            throw new AttestException(
                    "payloadType is '" + env.payloadType() + "', expected " + Dsse.IN_TOTO_PAYLOAD_TYPE);
        }
        InTotoStatement st = InTotoStatement.parse(payload, "in-toto statement");
        if (!st.hasSubjectDigest(subject.algorithm(), subject.hex())) {
            throw new AttestException("statement subjects "
                    + st.subjects().stream().map(s -> s.digest().toString()).toList() + " do not include the image "
                    + subject);
        }
        if (declaredType != null && !declaredType.equals(st.predicateType())) {
            throw new AttestException("annotation says predicate type " + declaredType
                    + " but the signed statement has " + st.predicateType());
        }
        boolean isSignature = st.predicateType().equals(PredicateTypes.COSIGN_SIGN);
        checks.add(new VerificationReport.Check(
                isSignature ? "signature" : "attestation",
                location,
                isSignature ? null : st.predicateType(),
                true,
                "verified with " + key));
        if (!isSignature) {
            verified.add(
                    new VerificationReport.VerifiedAttestation(st.predicateType(), location, payload, st.predicate()));
        }
    }

    private @Nullable Manifest legacyManifest(String tag, String kind) {
        try {
            return store.manifestByTag(tag).map(Manifest::parse).orElse(null);
        } catch (RuntimeException e) {
            checks.add(new VerificationReport.Check(kind, "tag " + tag, null, false, e.getMessage()));
            return null;
        }
    }

    /** A failed check; it is marked unverified when no key of the policy verified its signature. */
    private void failed(String kind, String location, @Nullable String predicateType, RuntimeException e) {
        checks.add(new VerificationReport.Check(
                kind, location, predicateType, false, e.getMessage(), e instanceof NoKeyVerifies));
    }

    /** No key of the policy verifies a signature: another signer's entry, or a tampered one. */
    private static final class NoKeyVerifies extends AttestException {
        private static final long serialVersionUID = 1L;

        NoKeyVerifies(String message) {
            super(message);
        }
    }

    private @Nullable VerificationKey keyFor(byte[] payload, byte[] signature) {
        return policy.keys().stream()
                .filter(k -> k.verify(payload, signature))
                .findFirst()
                .orElse(null);
    }
}
