package dev.kiln.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.content.Digest;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.ImageReference;
import dev.kiln.oci.Manifest;
import dev.kiln.oci.distribution.RegistryClient;
import dev.kiln.registry.RegistryConfig;
import dev.kiln.registry.RegistryServer;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sign, attest and verify through Kiln's own registry over loopback, then tamper with each part. */
class RegistrySigningIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final SigningKey KEY = SigningKey.generate(Fixtures.RANDOM);
    static final SigningKey OTHER = SigningKey.generate(Fixtures.RANDOM);
    static final SigningKey THIRD = SigningKey.generate(Fixtures.RANDOM);

    @TempDir
    Path root;

    RegistryServer server;
    RegistryClient client;
    ImageReference repo;
    SignatureStore store;
    Digest image;

    @BeforeEach
    void start() {
        server = new RegistryServer(RegistryConfig.builder(root).build()).start();
        client = new RegistryClient(HttpClient.newHttpClient(), null);
        repo = ImageReference.parse("127.0.0.1:" + server.port() + "/kiln/app");
        store = SignatureStore.registry(client, repo);
        image = Fixtures.pushImage(store, "v1", "one");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    ImageSigner.Result signAll() {
        return new ImageSigner(Fixtures.CLOCK, ImageSigner.Storage.BOTH)
                .signAndAttest(client, repo.withDigest(image), KEY, List.of(Fixtures.spdx(), Fixtures.provenance()));
    }

    VerificationPolicy policy(SigningKey key) {
        return VerificationPolicy.signedBy(key.verificationKey())
                .requiring(List.of(PredicateTypes.SPDX, PredicateTypes.SLSA_PROVENANCE_V1));
    }

    @Test
    void signsInBothLayoutsAndVerifies() throws Exception {
        ImageSigner.Result result = signAll();
        assertThat(result.stored())
                .extracting(ImageSigner.Stored::location)
                .anyMatch(l -> l.equals("tag sha256-" + image.hex() + ".sig"))
                .anyMatch(l -> l.equals("tag sha256-" + image.hex() + ".att"))
                .anyMatch(l -> l.startsWith("referrer sha256:"));
        assertThat(client.listTags(repo))
                .contains("v1", "sha256-" + image.hex() + ".sig", "sha256-" + image.hex() + ".att");

        VerificationReport report = ImageVerifier.verify(client, repo.withTag("v1"), policy(KEY));
        assertThat(report.failures()).isEmpty();
        assertThat(report.subject()).isEqualTo(image);
        // legacy signature, referrer signature, two attestations in each layout
        assertThat(report.checks())
                .filteredOn(c -> c.kind().equals("signature"))
                .hasSize(2);
        assertThat(report.checks())
                .filteredOn(c -> c.kind().equals("attestation"))
                .hasSize(4);
        assertThat(report.attestations(PredicateTypes.SLSA_PROVENANCE_V1)).hasSize(2);
        JsonNode predicate = JSON.readTree(
                report.attestations(PredicateTypes.SLSA_PROVENANCE_V1).get(0).predicate());
        assertThat(predicate.at("/buildDefinition/buildType").asText()).isEqualTo(SlsaProvenance.IMAGE_BUILD_TYPE);

        // the .sig manifest in cosign's shape
        Manifest sig = Manifest.parse(client.getManifest(
                        repo.withTag("sha256-" + image.hex() + ".sig"), List.of(dev.kiln.oci.MediaTypes.OCI_MANIFEST))
                .body());
        Descriptor layer = sig.layers().get(0);
        assertThat(layer.mediaType()).isEqualTo("application/vnd.dev.cosign.simplesigning.v1+json");
        assertThat(layer.annotations()).containsKey("dev.cosignproject.cosign/signature");
        JsonNode payload = JSON.readTree(store.blob(layer.digest()));
        assertThat(payload.at("/critical/image/docker-manifest-digest").asText())
                .isEqualTo(image.toString());
        assertThat(payload.at("/critical/type").asText()).isEqualTo("cosign container image signature");
        assertThat(payload.at("/critical/identity/docker-reference").asText()).isEqualTo(repo.registry() + "/kiln/app");

        // the .att layers are DSSE envelopes annotated with their predicate type
        Manifest att = Manifest.parse(
                store.manifestByTag("sha256-" + image.hex() + ".att").orElseThrow());
        assertThat(att.layers())
                .extracting(Descriptor::mediaType)
                .containsOnly("application/vnd.dsse.envelope.v1+json");
        assertThat(att.layers())
                .extracting(d -> d.annotations().get("predicateType"))
                .containsExactly(PredicateTypes.SPDX, PredicateTypes.SLSA_PROVENANCE_V1);

        // referrers: bundle artifacts with subject and cosign's annotations
        List<Descriptor> referrers = store.referrers(image);
        assertThat(referrers)
                .hasSize(3)
                .allMatch(r -> r.artifactType().equals("application/vnd.dev.sigstore.bundle.v0.3+json"));
        Manifest ref = Manifest.parse(store.manifest(referrers.get(0).digest()));
        assertThat(ref.subject().digest()).isEqualTo(image);
        assertThat(ref.config().mediaType()).isEqualTo("application/vnd.oci.empty.v1+json");
        assertThat(ref.config().digest().toString())
                .isEqualTo("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
        assertThat(ref.annotations())
                .containsEntry("dev.sigstore.bundle.content", "dsse-envelope")
                .containsEntry("org.opencontainers.image.created", "2024-05-01T12:00:00Z")
                .containsKey("dev.sigstore.bundle.predicateType");
        JsonNode bundle = JSON.readTree(store.blob(ref.layers().get(0).digest()));
        assertThat(bundle.path("mediaType").asText()).isEqualTo("application/vnd.dev.sigstore.bundle.v0.3+json");
        assertThat(bundle.at("/verificationMaterial/publicKey/hint").asText())
                .isEqualTo(KEY.verificationKey().hint());
        assertThat(bundle.at("/dsseEnvelope/payloadType").asText()).isEqualTo("application/vnd.in-toto+json");
        assertThat(bundle.at("/dsseEnvelope/signatures")).hasSize(1);
    }

    @Test
    void signingAgainKeepsEarlierSignatures() {
        new ImageSigner(Fixtures.CLOCK, ImageSigner.Storage.LEGACY_TAGS)
                .signAndAttest(store, store.resolve(image.toString()), KEY, true, List.of());
        new ImageSigner(Fixtures.CLOCK, ImageSigner.Storage.LEGACY_TAGS)
                .signAndAttest(store, store.resolve(image.toString()), OTHER, true, List.of());
        Manifest sig = Manifest.parse(
                store.manifestByTag("sha256-" + image.hex() + ".sig").orElseThrow());
        assertThat(sig.layers()).hasSize(2);
        // each key verifies its own layer; the other layer then fails the strict policy, naming it
        VerificationReport report =
                ImageVerifier.verify(store, "v1", VerificationPolicy.signedBy(KEY.verificationKey()));
        assertThat(report.checks()).filteredOn(VerificationReport.Check::passed).hasSize(1);
        assertThat(report.failures())
                .singleElement()
                .asString()
                .startsWith("signature tag sha256-" + image.hex() + ".sig layer 1 (")
                .contains("signature does not verify with [EC key "
                        + KEY.verificationKey().keyId().substring(0, 16));
        VerificationReport both = ImageVerifier.verify(
                store,
                "v1",
                new VerificationPolicy(
                        List.of(KEY.verificationKey(), OTHER.verificationKey()), true, List.of(), false, false));
        assertThat(both.passed()).isTrue();
        // as cosign does: the other signer's layer is reported, marked unverified, and passed over
        VerificationReport lenient = ImageVerifier.verify(
                store, "v1", VerificationPolicy.signedBy(KEY.verificationKey()).withOtherSignersAllowed(true));
        assertThat(lenient.passed()).as(lenient.failures().toString()).isTrue();
        assertThat(lenient.checks())
                .filteredOn(c -> !c.passed())
                .singleElement()
                .satisfies(c -> assertThat(c.unverified()).isTrue())
                .satisfies(c -> assertThat(c.location()).startsWith("tag sha256-" + image.hex() + ".sig layer 1"));
        // still nothing passes without a signature that the policy's own key verifies
        VerificationReport onlyOthers = ImageVerifier.verify(
                store,
                "v1",
                VerificationPolicy.signedBy(THIRD.verificationKey()).withOtherSignersAllowed(true));
        assertThat(onlyOthers.failures())
                .singleElement()
                .asString()
                .startsWith("no signature of " + image + " verifies");
    }

    @Test
    void wrongKeyFailsNamingEachSignature() {
        signAll();
        VerificationReport report = ImageVerifier.verify(client, repo.withTag("v1"), policy(OTHER));
        assertThat(report.passed()).isFalse();
        assertThat(report.failures())
                .anyMatch(f -> f.startsWith("signature tag sha256-" + image.hex() + ".sig layer 0 (sha256:")
                        && f.contains("signature does not verify with [EC key "
                                + OTHER.verificationKey().keyId().substring(0, 16)));
        assertThat(report.failures())
                .anyMatch(f ->
                        f.startsWith("attestation referrer sha256:") && f.contains("DSSE signature does not verify"));
        assertThat(report.failures())
                .anyMatch(f -> f.equals("no signature of " + image + " verifies with [EC key "
                        + OTHER.verificationKey().keyId().substring(0, 16) + "] (looked in tags sha256-" + image.hex()
                        + ".sig/sha256-"
                        + image.hex() + ".att and referrers of " + image + ")"));
        assertThatThrownBy(report::orThrow)
                .isInstanceOf(AttestException.class)
                .hasMessageContaining("verification of " + repo.registry() + "/kiln/app:v1@" + image);
    }

    @Test
    void tamperedPayloadFails() {
        signAll();
        String tag = "sha256-" + image.hex() + ".sig";
        Manifest sig = Manifest.parse(store.manifestByTag(tag).orElseThrow());
        Descriptor layer = sig.layers().get(0);
        byte[] payload = store.blob(layer.digest());
        byte[] forged = new String(payload, StandardCharsets.UTF_8)
                .replace("kiln/app", "kiln/apq")
                .getBytes(StandardCharsets.UTF_8);
        store.putBlob(forged);
        Descriptor forgedLayer = Descriptor.of(layer.mediaType(), forged).withAnnotations(layer.annotations());
        Manifest m = new Manifest(sig.mediaType(), null, sig.config(), List.of(forgedLayer), null, Map.of());
        store.putManifest(m.mediaType(), m.toJson(), tag);

        VerificationReport report = ImageVerifier.verify(store, "v1", policy(KEY));
        assertThat(report.failures())
                .singleElement()
                .asString()
                .isEqualTo("signature tag " + tag + " layer 0 (" + Digest.sha256(forged)
                        + "): signature does not verify with [EC key "
                        + KEY.verificationKey().keyId().substring(0, 16) + "] over payload " + Digest.sha256(forged));
    }

    @Test
    void tamperedBlobInStorageFails() throws Exception {
        signAll();
        Manifest sig = Manifest.parse(
                store.manifestByTag("sha256-" + image.hex() + ".sig").orElseThrow());
        Digest payload = sig.layers().get(0).digest();
        Path file = root.resolve("blobs/sha256")
                .resolve(payload.hex().substring(0, 2))
                .resolve(payload.hex());
        assertThat(file).exists();
        byte[] bytes = Files.readAllBytes(file);
        bytes[10] ^= 1;
        Files.write(file, bytes);
        VerificationReport report = ImageVerifier.verify(store, "v1", policy(KEY));
        assertThat(report.failures())
                .singleElement()
                .asString()
                .startsWith("signature tag sha256-" + image.hex() + ".sig layer 0 (" + payload + "): blob " + payload)
                .contains("blob content has digest sha256:")
                .contains("expected " + payload);
    }

    @Test
    void changedManifestHasNoSignature() {
        signAll();
        Digest changed = Fixtures.pushImage(store, "v1", "onf");
        VerificationReport report = ImageVerifier.verify(store, "v1", policy(KEY));
        assertThat(report.subject()).isEqualTo(changed);
        assertThat(report.failures())
                .contains("no signature of " + changed + " verifies with [EC key "
                        + KEY.verificationKey().keyId().substring(0, 16) + "] (looked in tags sha256-" + changed.hex()
                        + ".sig/sha256-"
                        + changed.hex() + ".att and referrers of " + changed + ")");
        assertThat(ImageVerifier.verify(store, image.toString(), policy(KEY)).passed())
                .isTrue();
    }

    @Test
    void attestationForAnotherImageIsRejected() {
        signAll();
        Digest other = Fixtures.pushImage(store, "v2", "two");
        // copy the first image's .att to the second image's tag: signatures verify, subjects do not match
        byte[] att = store.manifestByTag("sha256-" + image.hex() + ".att").orElseThrow();
        store.putManifest(dev.kiln.oci.MediaTypes.OCI_MANIFEST, att, "sha256-" + other.hex() + ".att");
        VerificationReport report = ImageVerifier.verify(
                store, "v2", VerificationPolicy.signedBy(KEY.verificationKey()).withSignatureRequired(false));
        assertThat(report.failures()).hasSize(2).allMatch(f -> f.contains("do not include the image " + other));
    }
}
