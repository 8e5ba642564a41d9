package dev.kiln.attest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.attest.internal.Json;
import dev.kiln.content.Digest;
import dev.kiln.content.Parallel;
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
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Signs an image and attaches attestations, in cosign's legacy tags ({@code sha256-HEX.sig},
 * {@code .att}), as OCI 1.1 referrers holding Sigstore bundles, or both (the default, so that old and
 * new clients alike find them). The image is named by digest; nothing is signed by tag.
 */
public final class ImageSigner {

    /** Which storage layouts to write. */
    public enum Storage {
        LEGACY_TAGS,
        REFERRERS,
        BOTH
    }

    /** One stored artifact: what it is, where it went, and the manifest that holds it. */
    public record Stored(String kind, @Nullable String predicateType, String location, Digest manifest) {}

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
    public Result signAndAttest(
            RegistryClient client, ImageReference digestRef, SigningKey key, List<Attestation> attestations) {
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
    public Result signAndAttest(
            SignatureStore store, Descriptor subject, SigningKey key, boolean sign, List<Attestation> attestations) {
        boolean legacy = storage != Storage.REFERRERS;
        boolean referrers = storage != Storage.LEGACY_TAGS;
        ResourceDescriptor statementSubject = new ResourceDescriptor(
                store.repositoryName(),
                null,
                Map.of(subject.digest().algorithm(), subject.digest().hex()),
                null,
                null,
                Map.of());
        // Sign everything first (CPU only); the writes then go out as independent groups, overlapped
        // where the store allows it, since a publish pays for them in round trips.
        List<Dsse.Envelope> envelopes = attestations.stream()
                .map(a -> Dsse.sign(
                        Dsse.IN_TOTO_PAYLOAD_TYPE,
                        new InTotoStatement(List.of(statementSubject), a.predicateType(), a.predicate()).toJson(),
                        key))
                .toList();
        List<Supplier<List<Stored>>> groups = new ArrayList<>();
        if (sign && legacy) {
            groups.add(() -> List.of(legacySignature(store, subject, key)));
        }
        if (legacy && !attestations.isEmpty()) {
            groups.add(() -> legacyAttestations(store, subject, attestations, envelopes));
        }
        if (referrers) {
            List<Bundled> bundles = new ArrayList<>();
            if (sign) {
                InTotoStatement st = new InTotoStatement(
                        List.of(statementSubject), PredicateTypes.COSIGN_SIGN, "{}".getBytes(StandardCharsets.UTF_8));
                bundles.add(new Bundled(
                        "signature",
                        PredicateTypes.COSIGN_SIGN,
                        Dsse.sign(Dsse.IN_TOTO_PAYLOAD_TYPE, st.toJson(), key)));
            }
            for (int i = 0; i < attestations.size(); i++) {
                bundles.add(new Bundled("attestation", attestations.get(i).predicateType(), envelopes.get(i)));
            }
            groups.add(() -> referrerBundles(store, subject, key, bundles));
        }
        List<Stored> stored = new ArrayList<>();
        Parallel.map(groups, inFlight(store), Supplier::get).forEach(stored::addAll);
        return new Result(subject.digest(), stored);
    }

    /** A DSSE envelope bound for a referrer bundle: a signature or an attestation of one predicate type. */
    private record Bundled(String kind, String predicateType, Dsse.Envelope envelope) {}

    private Stored legacySignature(SignatureStore store, Descriptor subject, SigningKey key) {
        byte[] payload = new SimpleSigning(store.repositoryName(), subject.digest(), Map.of()).toJson();
        Descriptor layer = Descriptor.of(SimpleSigning.MEDIA_TYPE, payload)
                .withAnnotation(
                        CosignStorage.SIGNATURE_ANNOTATION, Base64.getEncoder().encodeToString(key.sign(payload)));
        String tag = CosignStorage.signatureTag(subject.digest());
        return new Stored("signature", null, "tag " + tag, appendLayers(store, tag, List.of(layer), List.of(payload)));
    }

    /** Every attestation goes into the {@code .att} manifest in one write, one layer each. */
    private List<Stored> legacyAttestations(
            SignatureStore store, Descriptor subject, List<Attestation> attestations, List<Dsse.Envelope> envelopes) {
        List<Descriptor> layers = new ArrayList<>();
        List<byte[]> blobs = new ArrayList<>();
        for (int i = 0; i < attestations.size(); i++) {
            byte[] blob = envelopes.get(i).toJson();
            blobs.add(blob);
            layers.add(Descriptor.of(Dsse.MEDIA_TYPE, blob)
                    .withAnnotation(
                            CosignStorage.PREDICATE_TYPE_ANNOTATION,
                            attestations.get(i).predicateType()));
        }
        String tag = CosignStorage.attestationTag(subject.digest());
        Digest manifest = appendLayers(store, tag, layers, blobs);
        return attestations.stream()
                .map(a -> new Stored("attestation", a.predicateType(), "tag " + tag, manifest))
                .toList();
    }

    /**
     * Adds layers to the manifest under {@code tag}, keeping the layers already there; a layer with
     * the same digest and annotations is not added twice (supply-chain.md §7.1).
     */
    private Digest appendLayers(SignatureStore store, String tag, List<Descriptor> added, List<byte[]> contents) {
        List<Descriptor> layers = new ArrayList<>();
        store.manifestByTag(tag).ifPresent(b -> layers.addAll(Manifest.parse(b).layers()));
        for (Descriptor layer : added) {
            if (layers.stream()
                    .noneMatch(l ->
                            l.digest().equals(layer.digest()) && l.annotations().equals(layer.annotations()))) {
                layers.add(layer);
            }
        }
        byte[] config = configFor(layers);
        List<byte[]> blobs = new ArrayList<>(contents);
        blobs.add(config);
        putBlobs(store, blobs);
        Manifest m = Manifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, config), layers, Map.of());
        return store.putManifest(m.mediaType(), m.toJson(), tag);
    }

    /** Writes the store takes at once: a registry gets the usual few in flight, a layout one at a time. */
    private static int inFlight(SignatureStore store) {
        return store.acceptsConcurrentWrites() ? Parallel.IN_FLIGHT : 1;
    }

    private static void putBlobs(SignatureStore store, List<byte[]> blobs) {
        Parallel.map(blobs, inFlight(store), b -> {
            store.putBlob(b);
            return b;
        });
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

    /** Sigstore bundles as referrers of the subject: blobs first, then one manifest per bundle. */
    private List<Stored> referrerBundles(
            SignatureStore store, Descriptor subject, SigningKey key, List<Bundled> bundles) {
        byte[] empty = MediaTypes.EMPTY_JSON.getBytes(StandardCharsets.UTF_8);
        List<byte[]> blobs = new ArrayList<>(List.of(empty));
        List<Manifest> manifests = new ArrayList<>();
        Descriptor subjectDescriptor = Descriptor.of(subject.mediaType(), subject.digest(), subject.size());
        for (Bundled b : bundles) {
            byte[] bundle =
                    SigstoreBundle.of(b.envelope(), key.verificationKey()).toJson();
            blobs.add(bundle);
            Map<String, String> annotations = new LinkedHashMap<>();
            annotations.put(CosignStorage.CREATED_ANNOTATION, created());
            annotations.put(CosignStorage.BUNDLE_CONTENT_ANNOTATION, "dsse-envelope");
            annotations.put(CosignStorage.BUNDLE_PREDICATE_TYPE_ANNOTATION, b.predicateType());
            manifests.add(new Manifest(
                    MediaTypes.OCI_MANIFEST,
                    SigstoreBundle.MEDIA_TYPE,
                    Descriptor.of(MediaTypes.OCI_EMPTY, empty),
                    List.of(Descriptor.of(SigstoreBundle.MEDIA_TYPE, bundle)),
                    subjectDescriptor,
                    annotations));
        }
        putBlobs(store, blobs);
        // Referrer manifests are written one after another: on a registry without the referrers API
        // each one rewrites the same fallback index.
        List<Stored> stored = new ArrayList<>();
        for (int i = 0; i < bundles.size(); i++) {
            Digest d = store.putReferrer(manifests.get(i));
            Bundled b = bundles.get(i);
            stored.add(
                    new Stored(b.kind(), b.kind().equals("signature") ? null : b.predicateType(), "referrer " + d, d));
        }
        return stored;
    }

    private String created() {
        return DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
    }
}
