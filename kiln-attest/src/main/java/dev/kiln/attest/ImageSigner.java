package dev.kiln.attest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.attest.internal.Json;
import dev.kiln.content.Digest;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.ImageReference;
import dev.kiln.oci.Manifest;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.distribution.RegistryClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signs an image and attaches attestations, in cosign's legacy tags ({@code sha256-HEX.sig},
 * {@code .att}), as OCI 1.1 referrers holding Sigstore bundles, or both (the default, so that old and
 * new clients alike find them). The image is named by digest; nothing is signed by tag.
 */
public final class ImageSigner {

    /** Which storage layouts to write. */
    public enum Storage { LEGACY_TAGS, REFERRERS, BOTH }

    /** One stored artifact: what it is, where it went, and the manifest that holds it. */
    public record Stored(String kind, String predicateType, String location, Digest manifest) {
    }

    public record Result(Digest subject, List<Stored> stored) {
        public Result {
            stored = List.copyOf(stored);
        }
    }

    private final Clock clock;
    private final Storage storage;

    public ImageSigner(Clock clock, Storage storage) {
        this.clock = clock;
        this.storage = storage;
    }

    /** The image at {@code digestRef} (which must carry a digest) in its own repository. */
    public Result signAndAttest(RegistryClient client, ImageReference digestRef, SigningKey key,
            List<Attestation> attestations) {
        if (digestRef.digest() == null) {
            throw new AttestException("image " + digestRef + " must be named by digest to be signed");
        }
        SignatureStore store = SignatureStore.registry(client, digestRef);
        return signAndAttest(store, store.resolve(digestRef.digest().toString()), key, true, attestations);
    }

    /**
     * Signs {@code subject} when {@code sign} is set and attests each of {@code attestations};
     * the subject descriptor comes from {@link SignatureStore#resolve}.
     */
    public Result signAndAttest(SignatureStore store, Descriptor subject, SigningKey key, boolean sign,
            List<Attestation> attestations) {
        List<Stored> stored = new ArrayList<>();
        boolean legacy = storage != Storage.REFERRERS;
        boolean referrers = storage != Storage.LEGACY_TAGS;
        ResourceDescriptor statementSubject = new ResourceDescriptor(store.repositoryName(), null,
                Map.of(subject.digest().algorithm(), subject.digest().hex()), null, null, null);
        if (sign) {
            if (legacy) {
                byte[] payload = new SimpleSigning(store.repositoryName(), subject.digest(), null).toJson();
                Descriptor layer = Descriptor.of(SimpleSigning.MEDIA_TYPE, payload)
                        .withAnnotation(CosignStorage.SIGNATURE_ANNOTATION, Base64.getEncoder().encodeToString(key.sign(payload)));
                String tag = CosignStorage.signatureTag(subject.digest());
                stored.add(new Stored("signature", null, "tag " + tag, appendLayer(store, tag, layer, payload)));
            }
            if (referrers) {
                InTotoStatement st = new InTotoStatement(List.of(statementSubject), PredicateTypes.COSIGN_SIGN,
                        "{}".getBytes(StandardCharsets.UTF_8));
                Digest d = pushBundle(store, subject, Dsse.sign(Dsse.IN_TOTO_PAYLOAD_TYPE, st.toJson(), key), key,
                        PredicateTypes.COSIGN_SIGN);
                stored.add(new Stored("signature", null, "referrer " + d, d));
            }
        }
        for (Attestation a : attestations) {
            InTotoStatement st = new InTotoStatement(List.of(statementSubject), a.predicateType(), a.predicate());
            Dsse.Envelope env = Dsse.sign(Dsse.IN_TOTO_PAYLOAD_TYPE, st.toJson(), key);
            if (legacy) {
                byte[] blob = env.toJson();
                Descriptor layer = Descriptor.of(Dsse.MEDIA_TYPE, blob)
                        .withAnnotation(CosignStorage.PREDICATE_TYPE_ANNOTATION, a.predicateType());
                String tag = CosignStorage.attestationTag(subject.digest());
                stored.add(new Stored("attestation", a.predicateType(), "tag " + tag, appendLayer(store, tag, layer, blob)));
            }
            if (referrers) {
                Digest d = pushBundle(store, subject, env, key, a.predicateType());
                stored.add(new Stored("attestation", a.predicateType(), "referrer " + d, d));
            }
        }
        return new Result(subject.digest(), stored);
    }

    /**
     * Adds one layer to the manifest under {@code tag}, keeping the layers already there; a layer with
     * the same digest and annotations is not added twice (supply-chain.md §7.1).
     */
    private Digest appendLayer(SignatureStore store, String tag, Descriptor layer, byte[] content) {
        List<Descriptor> layers = new ArrayList<>();
        store.manifestByTag(tag).ifPresent(b -> layers.addAll(Manifest.parse(b).layers()));
        if (layers.stream().noneMatch(l -> l.digest().equals(layer.digest()) && l.annotations().equals(layer.annotations()))) {
            layers.add(layer);
        }
        store.putBlob(content);
        byte[] config = configFor(layers);
        store.putBlob(config);
        Manifest m = Manifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, config), layers, Map.of());
        return store.putManifest(m.mediaType(), m.toJson(), tag);
    }

    /** The small image config cosign gives its signature manifests; the layers are their own diff ids. */
    private byte[] configFor(List<Descriptor> layers) {
        ObjectNode c = Json.object();
        c.put("architecture", "");
        c.putObject("config");
        c.put("created", created());
        c.put("os", "");
        ObjectNode rootfs = c.putObject("rootfs");
        rootfs.put("type", "layers");
        layers.forEach(l -> rootfs.withArray("diff_ids").add(l.digest().toString()));
        return Json.bytes(c);
    }

    private Digest pushBundle(SignatureStore store, Descriptor subject, Dsse.Envelope env, SigningKey key,
            String predicateType) {
        byte[] bundle = SigstoreBundle.of(env, key.verificationKey()).toJson();
        byte[] empty = MediaTypes.EMPTY_JSON.getBytes(StandardCharsets.UTF_8);
        store.putBlob(empty);
        store.putBlob(bundle);
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(CosignStorage.CREATED_ANNOTATION, created());
        annotations.put(CosignStorage.BUNDLE_CONTENT_ANNOTATION, "dsse-envelope");
        annotations.put(CosignStorage.BUNDLE_PREDICATE_TYPE_ANNOTATION, predicateType);
        Descriptor subjectDescriptor = Descriptor.of(subject.mediaType(), subject.digest(), subject.size());
        Manifest m = new Manifest(MediaTypes.OCI_MANIFEST, SigstoreBundle.MEDIA_TYPE,
                Descriptor.of(MediaTypes.OCI_EMPTY, empty), List.of(Descriptor.of(SigstoreBundle.MEDIA_TYPE, bundle)),
                subjectDescriptor, annotations);
        return store.putReferrer(m);
    }

    private String created() {
        return DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
    }
}
