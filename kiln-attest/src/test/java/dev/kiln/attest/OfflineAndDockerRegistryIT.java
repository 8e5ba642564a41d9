package dev.kiln.attest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.content.Digest;
import dev.kiln.oci.ImageReference;
import dev.kiln.oci.OciLayout;
import dev.kiln.oci.distribution.RegistryClient;
import dev.kiln.testkit.DockerRegistryProcess;
import dev.kiln.testkit.Tools;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same signing and verification in an OCI layout with no registry, and in the CNCF registry from Debian. */
class OfflineAndDockerRegistryIT {
    static final SigningKey KEY = SigningKey.generate(Fixtures.RANDOM);

    @TempDir
    Path tmp;

    VerificationPolicy policy() {
        return VerificationPolicy.signedBy(KEY.verificationKey())
                .requiring(List.of(PredicateTypes.SPDX, PredicateTypes.SLSA_PROVENANCE_V1));
    }

    @Test
    void layoutHoldsSignaturesAsTagsAndReferrers() throws Exception {
        OciLayout layout = new OciLayout(tmp.resolve("layout"));
        SignatureStore store = SignatureStore.layout(layout, "kiln/app");
        Digest image = Fixtures.pushImage(store, "latest", "one");
        new ImageSigner(Fixtures.CLOCK, ImageSigner.Storage.BOTH)
                .signAndAttest(
                        store, store.resolve("latest"), KEY, true, List.of(Fixtures.spdx(), Fixtures.provenance()));
        String index = Files.readString(layout.dir().resolve("index.json"));
        assertThat(index)
                .contains("\"org.opencontainers.image.ref.name\":\"sha256-" + image.hex() + ".sig\"")
                .contains("\"org.opencontainers.image.ref.name\":\"sha256-" + image.hex() + ".att\"")
                .contains("\"artifactType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\"");

        VerificationReport ok = ImageVerifier.verify(store, "latest", policy().withBlobCheck(true));
        assertThat(ok.failures()).isEmpty();
        assertThat(ok.checks()).anyMatch(c -> c.kind().equals("blob") && c.passed());

        // one byte of the image's layer on disk
        Path layer = layout.blobPath(Digest.sha256(Fixtures.layerOf("one")));
        byte[] bytes = Files.readAllBytes(layer);
        bytes[0] ^= 1;
        Files.write(layer, bytes);
        VerificationReport bad = ImageVerifier.verify(store, "latest", policy().withBlobCheck(true));
        assertThat(bad.failures())
                .singleElement()
                .asString()
                .startsWith("blob layer " + Digest.sha256(Fixtures.layerOf("one")) + " of " + image + ": layout ")
                .contains("has content with digest " + Digest.sha256(bytes));
    }

    @Test
    void dockerRegistryWithoutReferrersApiGetsTheFallbackIndex() throws Exception {
        Tools.require(
                DockerRegistryProcess.available(),
                "Debian's docker-registry is not installed",
                "apt-get install docker-registry");
        try (DockerRegistryProcess registry = DockerRegistryProcess.start(tmp.resolve("docker-registry"))) {
            HttpClient http = HttpClient.newHttpClient();
            String host = registry.host();
            RegistryClient client = new RegistryClient(http, null);
            ImageReference repo = ImageReference.parse(host + "/kiln/app");
            SignatureStore store = SignatureStore.registry(client, repo);
            Digest image = Fixtures.pushImage(store, "v1", "one");
            new ImageSigner(Fixtures.CLOCK, ImageSigner.Storage.BOTH)
                    .signAndAttest(
                            client, repo.withDigest(image), KEY, List.of(Fixtures.spdx(), Fixtures.provenance()));
            assertThat(client.listTags(repo))
                    .contains(
                            "sha256-" + image.hex() + ".sig",
                            "sha256-" + image.hex() + ".att",
                            "sha256-" + image.hex());
            assertThat(store.referrers(image))
                    .hasSize(3)
                    .allMatch(r -> "application/vnd.dev.sigstore.bundle.v0.3+json".equals(r.artifactType()));

            VerificationReport report = ImageVerifier.verify(client, repo.withTag("v1"), policy());
            assertThat(report.failures()).isEmpty();
            assertThat(report.checks()).hasSize(6).allMatch(VerificationReport.Check::passed);
            VerificationReport wrong = ImageVerifier.verify(
                    client,
                    repo.withTag("v1"),
                    VerificationPolicy.signedBy(
                            SigningKey.generate(Fixtures.RANDOM).verificationKey()));
            assertThat(wrong.failures()).hasSize(7);
        }
    }
}
