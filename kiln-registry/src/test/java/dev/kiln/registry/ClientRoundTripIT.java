package dev.kiln.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.content.Digest;
import dev.kiln.oci.ImageReference;
import dev.kiln.oci.distribution.Fetched;
import dev.kiln.oci.distribution.Referrer;
import dev.kiln.oci.distribution.RegistryClient;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kiln's own client against Kiln's registry: blobs (monolithic and chunked), mounts, manifests, tags, referrers. */
class ClientRoundTripIT {
    @TempDir
    Path root;

    RegistryServer server;
    RegistryClient client;
    String host;

    @BeforeEach
    void start() {
        server = new RegistryServer(RegistryConfig.builder(root).build()).start();
        host = "127.0.0.1:" + server.port();
        client = new RegistryClient(HttpClient.newHttpClient(), null);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    ImageReference ref(String text) {
        return ImageReference.parse(host + "/" + text);
    }

    Digest push(ImageReference repo, byte[] blob) {
        Digest d = Digest.sha256(blob);
        client.pushBlob(repo, d, blob.length, () -> new ByteArrayInputStream(blob));
        return d;
    }

    @Test
    void smallBlobsGoUpInOneRequest() throws Exception {
        ImageReference app = ref("team/app");
        byte[] blob = "{\"payload\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        client.pushSmallBlob(app, blob);
        client.pushSmallBlob(app, blob); // again: already there, still one request and no error
        String metrics = new String(
                java.net
                        .URI
                        .create("http://" + host + "/metrics")
                        .toURL()
                        .openStream()
                        .readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        // both uploads were a single POST answered 201: no HEAD, no PUT
        assertThat(metrics.lines()
                        .filter(l -> l.startsWith("kiln_registry_requests_total{")
                                && (l.contains("HEAD") || l.contains("PUT") || l.contains("PATCH"))))
                .isEmpty();
        assertThat(metrics.lines().filter(l -> l.startsWith("kiln_registry_requests_total{") && l.contains("POST")))
                .singleElement()
                .asString()
                .contains("201")
                .endsWith(" 2");
        try (var in = client.getBlob(app, Digest.sha256(blob))) {
            assertThat(in.readAllBytes()).isEqualTo(blob);
        }
    }

    @Test
    void blobsManifestsTagsAndMounts() throws Exception {
        ImageReference app = ref("team/app:v1");
        byte[] config = TestContent.config("amd64");
        byte[] small = TestContent.random(1, 1000);
        byte[] large = TestContent.random(2, 40 << 20);
        push(app, config);
        push(app, small);
        Digest largeDigest = push(app, large);
        assertThat(client.blobExists(app, largeDigest)).isTrue();
        try (InputStream in = client.getBlob(app, largeDigest)) {
            assertThat(in.readAllBytes()).isEqualTo(large);
        }
        byte[] manifest = TestContent.manifest(config, small, large);
        Digest digest = client.pushManifest(app, TestContent.OCI_MANIFEST, manifest);
        assertThat(digest).isEqualTo(Digest.sha256(manifest));
        Fetched<byte[]> byTag = client.getManifest(app, List.of(TestContent.OCI_MANIFEST));
        assertThat(byTag.body()).isEqualTo(manifest);
        assertThat(byTag.mediaType()).isEqualTo(TestContent.OCI_MANIFEST);
        assertThat(byTag.digest()).isEqualTo(digest);
        assertThat(client.getManifest(app.withDigest(digest), List.of(TestContent.OCI_MANIFEST))
                        .body())
                .isEqualTo(manifest);
        client.pushManifest(app.withTag("v2"), TestContent.OCI_MANIFEST, manifest);
        assertThat(client.listTags(app)).containsExactly("v1", "v2");

        ImageReference other = ref("other/app");
        assertThat(client.mountBlob(other, "team/app", largeDigest)).isTrue();
        assertThat(client.blobExists(other, largeDigest)).isTrue();
        assertThat(client.mountBlob(other, "nowhere", Digest.sha256(new byte[] {1})))
                .isFalse();
        assertThat(server.storage().uploads()).isEmpty();
    }

    @Test
    void cosignSignatureTagAndSubjectArtifactAreListedByReferrers() {
        ImageReference app = ref("app:v1");
        byte[] config = TestContent.config("amd64");
        byte[] layer = TestContent.random(3, 100);
        push(app, config);
        push(app, layer);
        byte[] image = TestContent.manifest(config, layer);
        Digest imageDigest = client.pushManifest(app, TestContent.OCI_MANIFEST, image);
        String subject = ",\"subject\":" + TestContent.descriptor(TestContent.OCI_MANIFEST, image);

        byte[] payload = ("{\"critical\":{\"identity\":{\"docker-reference\":\"" + host
                        + "/app\"},\"image\":{\"docker-manifest-digest\":\"" + imageDigest
                        + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] sigConfig = "{\"architecture\":\"\",\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8);
        push(app, payload);
        push(app, sigConfig);
        String sigLayer = TestContent.descriptor("application/vnd.dev.cosign.simplesigning.v1+json", payload);
        byte[] sig = ("{\"schemaVersion\":2,\"mediaType\":\"" + TestContent.OCI_MANIFEST + "\",\"config\":"
                        + TestContent.descriptor(TestContent.OCI_CONFIG, sigConfig) + ",\"layers\":["
                        + sigLayer.substring(0, sigLayer.length() - 1)
                        + ",\"annotations\":{\"dev.cosignproject.cosign/signature\":\"MEUCIQ==\"}}]" + subject + "}")
                .getBytes(StandardCharsets.UTF_8);
        String sigTag = "sha256-" + imageDigest.hex() + ".sig";
        Digest sigDigest = client.pushManifest(app.withTag(sigTag), TestContent.OCI_MANIFEST, sig);

        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        byte[] bundle =
                "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\"}".getBytes(StandardCharsets.UTF_8);
        push(app, empty);
        push(app, bundle);
        String bundleType = "application/vnd.dev.sigstore.bundle.v0.3+json";
        byte[] artifact = ("{\"schemaVersion\":2,\"mediaType\":\"" + TestContent.OCI_MANIFEST + "\",\"artifactType\":\""
                        + bundleType
                        + "\",\"config\":" + TestContent.descriptor("application/vnd.oci.empty.v1+json", empty)
                        + ",\"layers\":["
                        + TestContent.descriptor(bundleType, bundle) + "]" + subject
                        + ",\"annotations\":{\"org.opencontainers.image.created\":\"2026-01-01T00:00:00Z\"}}")
                .getBytes(StandardCharsets.UTF_8);
        Digest artifactDigest = Digest.sha256(artifact);
        client.pushManifest(app.withDigest(artifactDigest), TestContent.OCI_MANIFEST, artifact);

        assertThat(client.listTags(app)).contains(sigTag);
        List<Referrer> all = client.referrers(app, imageDigest, null);
        assertThat(all).extracting(Referrer::digest).containsExactlyInAnyOrder(sigDigest, artifactDigest);
        List<Referrer> bundles = client.referrers(app, imageDigest, bundleType);
        assertThat(bundles).singleElement().satisfies(r -> {
            assertThat(r.digest()).isEqualTo(artifactDigest);
            assertThat(r.size()).isEqualTo(artifact.length);
            assertThat(r.annotations()).containsEntry("org.opencontainers.image.created", "2026-01-01T00:00:00Z");
        });
        assertThat(client.referrers(app, imageDigest, TestContent.OCI_CONFIG))
                .extracting(Referrer::digest)
                .containsExactly(sigDigest);
    }

    @Test
    void thirtyTwoClientsPushingTheSameContentLeaveOneCopy() throws Exception {
        byte[] config = TestContent.config("amd64");
        byte[] layer = TestContent.random(4, 3 << 20);
        byte[] manifest = TestContent.manifest(config, layer);
        // All 32 clients share 127.0.0.1: with the default per-client limit of 16, the server refuses the rest
        // with 429 before reading their 3 MB body and closes the connection, and the raw POST below (which does
        // not retry, unlike RegistryClient) fails with "header parser received no bytes" whenever the refusal
        // wins the race. This test is about duplicate content, not limits (SlowClientIT covers those).
        server.close();
        server = new RegistryServer(RegistryConfig.builder(root)
                        .limits(ClientLimits.defaults().withMaxBodiesPerClient(32))
                        .build())
                .start();
        host = "127.0.0.1:" + server.port();
        ExecutorService pool = Executors.newFixedThreadPool(32);
        List<Future<Digest>> results = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            results.add(pool.submit((Callable<Digest>) () -> {
                RegistryClient own = new RegistryClient(HttpClient.newHttpClient(), null);
                ImageReference app = ref("shared/app:latest");
                // Bypass the existence check so every client really uploads.
                for (byte[] blob : List.of(config, layer)) {
                    Digest d = Digest.sha256(blob);
                    new Http("http://" + host).send("POST", "/v2/shared/app/blobs/uploads/?digest=" + d, blob);
                    own.pushBlob(app, d, blob.length, () -> new ByteArrayInputStream(blob));
                }
                return own.pushManifest(app, TestContent.OCI_MANIFEST, manifest);
            }));
        }
        for (Future<Digest> f : results) {
            assertThat(f.get()).isEqualTo(Digest.sha256(manifest));
        }
        pool.shutdown();
        assertThat(server.storage().tags("shared/app")).containsExactly("latest");
        assertThat(server.storage().manifests("shared/app")).containsExactly(Digest.sha256(manifest));
        assertThat(server.storage().blobs())
                .extracting(RegistryStorage.BlobEntry::digest)
                .containsExactlyInAnyOrder(Digest.sha256(config), Digest.sha256(layer), Digest.sha256(manifest));
        assertThat(server.storage().uploads()).isEmpty();
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".tmp")))
                    .isEmpty();
        }
        try (InputStream in = client.getBlob(ref("shared/app"), Digest.sha256(layer))) {
            assertThat(in.readAllBytes()).isEqualTo(layer);
        }
    }
}
