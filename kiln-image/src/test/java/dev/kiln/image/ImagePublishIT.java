package dev.kiln.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.content.Digest;
import dev.kiln.oci.ImageIndex;
import dev.kiln.oci.ImageReference;
import dev.kiln.oci.OciException;
import dev.kiln.oci.distribution.PushResult;
import dev.kiln.oci.distribution.RegistryClient;
import dev.kiln.oci.distribution.RegistrySink;
import dev.kiln.registry.RegistryConfig;
import dev.kiln.registry.RegistryServer;
import dev.kiln.testkit.DockerRegistryProcess;
import dev.kiln.testkit.Tools;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publishing to Kiln's registry and to the CNCF distribution registry; skopeo pulls back the same digests. */
class ImagePublishIT {
    @TempDir
    Path tmp;

    Path config;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void setUp() throws Exception {
        Fixtures.repository(tmp);
        Fixtures.publicKey(tmp);
        config = Fixtures.config(tmp, ImageBuilderTest.HELLO);
    }

    ImagePublisher publisher(RegistrySink sink) {
        return new ImagePublisher(new ImageBuilder(Clock.systemUTC()), sink);
    }

    ImageBuildOptions options() {
        return new ImageBuildOptions(null, null, null, null, tmp);
    }

    static List<ImageReference> refs(String... refs) {
        return List.of(refs).stream().map(ImageReference::parse).toList();
    }

    @Test
    void publishesOnceMountsAcrossRepositoriesAndPushesNothingTheSecondTime() throws Exception {
        try (RegistryServer server = new RegistryServer(
                        RegistryConfig.builder(tmp.resolve("registry")).build())
                .start()) {
            String host = server.address();
            RegistrySink sink = new RegistrySink(new RegistryClient(http, null));
            ImagePublisher.PublishResult first = publisher(sink)
                    .publish(
                            config,
                            options(),
                            refs(host + "/kiln/hello:v1", host + "/kiln/hello:latest", host + "/mirror/hello:v1"));
            Digest index = first.build().images().index().descriptor().digest();
            assertThat(first.indexDigest()).isEqualTo(index);
            assertThat(first.changed()).isTrue();
            PushResult push = first.push();
            int blobs = first.build().archs().get(0).layers().size() + 1;
            assertThat(push.blobsUploaded()).as("layers and config, once").isEqualTo(blobs);
            assertThat(push.blobsMounted())
                    .as("second repository mounts from the first")
                    .isEqualTo(blobs);
            assertThat(push.blobsPresent())
                    .as("second tag of the first repository")
                    .isEqualTo(blobs);
            assertThat(push.updated()).hasSize(3);
            assertThat(first.digestReferences())
                    .extracting(ImageReference::toString)
                    .containsExactly(host + "/kiln/hello@" + index, host + "/mirror/hello@" + index);

            ImagePublisher.PublishResult again = publisher(new RegistrySink(new RegistryClient(http, null)))
                    .publish(
                            config,
                            options(),
                            refs(host + "/kiln/hello:v1", host + "/kiln/hello:latest", host + "/mirror/hello:v1"));
            assertThat(again.indexDigest()).isEqualTo(index);
            assertThat(again.changed()).isFalse();
            assertThat(again.push().blobsUploaded()
                            + again.push().blobsMounted()
                            + again.push().blobsPresent()
                            + again.push().manifestsPushed())
                    .as("nothing pushed, not even a HEAD on a blob")
                    .isZero();

            // A new tag of an unchanged image pushes only the index under that tag.
            PushResult newTag = new RegistrySink(new RegistryClient(http, null))
                    .push(first.build().images(), refs(host + "/kiln/hello:v2"));
            assertThat(newTag.blobsUploaded()).isZero();
            assertThat(newTag.manifestsPushed()).isEqualTo(1);

            assertSkopeoPullsBack(host + "/kiln/hello:v1", first);
            assertSkopeoPullsBack(host + "/mirror/hello:v1", first);

            assertThatThrownBy(() ->
                            sink.push(first.build().images(), refs(host + "/kiln/hello@sha256:" + "0".repeat(64))))
                    .isInstanceOf(OciException.class)
                    .hasMessageContaining("but the image index is " + index);
        }
    }

    @Test
    void publishesToTheDebianDockerRegistry() throws Exception {
        Tools.require(
                DockerRegistryProcess.available(),
                "Debian's docker-registry is not installed",
                "apt-get install docker-registry");
        try (DockerRegistryProcess registry = DockerRegistryProcess.start(tmp.resolve("docker-registry"))) {
            String host = registry.host();
            ImagePublisher.PublishResult first = publisher(new RegistrySink(new RegistryClient(http, null)))
                    .publish(config, options(), refs(host + "/kiln/hello:v1", host + "/other/hello:v1"));
            assertThat(first.changed()).isTrue();
            assertThat(first.push().blobsMounted()).isPositive();
            assertSkopeoPullsBack(host + "/kiln/hello:v1", first);
            assertSkopeoPullsBack(host + "/other/hello:v1", first);
            ImagePublisher.PublishResult again = publisher(new RegistrySink(new RegistryClient(http, null)))
                    .publish(config, options(), refs(host + "/kiln/hello:v1", host + "/other/hello:v1"));
            assertThat(again.changed()).isFalse();
            assertThat(again.indexDigest()).isEqualTo(first.indexDigest());
        }
    }

    private void assertSkopeoPullsBack(String ref, ImagePublisher.PublishResult published) throws Exception {
        Tools.require("skopeo", "apt-get install skopeo");
        InteropIT.Run raw = InteropIT.run(tmp, "skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + ref);
        assertThat(raw.exit()).as(raw.out()).isZero();
        assertThat(Digest.sha256(raw.out().trim().getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(published.indexDigest());
        Path out = tmp.resolve("pulled-" + ref.replaceAll("[^a-z0-9]", "-"));
        InteropIT.Run copy = InteropIT.run(
                tmp,
                "skopeo",
                "copy",
                "--all",
                "--preserve-digests",
                "--src-tls-verify=false",
                "docker://" + ref,
                "oci:" + out + ":pulled");
        assertThat(copy.exit()).as(copy.out()).isZero();
        ImageIndex layoutIndex = ImageIndex.parse(Files.readAllBytes(out.resolve("index.json")));
        assertThat(layoutIndex.manifests()).extracting(d -> d.digest()).containsExactly(published.indexDigest());
        for (var arch : published.build().archs()) {
            Digest manifest = arch.image().manifest().descriptor().digest();
            assertThat(out.resolve("blobs/sha256").resolve(manifest.hex())).exists();
            for (var layer : arch.layers()) {
                assertThat(Digest.sha256(out.resolve("blobs/sha256")
                                .resolve(layer.blob().descriptor().digest().hex())))
                        .isEqualTo(layer.blob().descriptor().digest());
            }
        }
    }

    @Test
    void versionTagsMoveWithTheContentAndTheEpochTagNeverDoes() throws Exception {
        Path tagged = Fixtures.config(
                tmp,
                ImageBuilderTest.HELLO.replace(
                        "org.opencontainers.image.title: hello", "dev.kiln.package.main: hello"));
        try (RegistryServer server = new RegistryServer(
                        RegistryConfig.builder(tmp.resolve("registry")).build())
                .start()) {
            RegistryClient client = new RegistryClient(http, null);
            ImagePublisher publisher = publisher(new RegistrySink(client));
            ImageReference repo = ImageReference.parse(server.address() + "/kiln/hello");
            ImageSpec spec = ImageSpecLoader.load(tagged);

            ImagePublisher.PublishResult first = publisher.publishTagged(spec, options(), repo, false);
            assertThat(first.tags().all()).containsExactly("latest", "2", "2.12", "2.12-r0");
            assertThat(first.push().updated()).hasSize(4);
            Digest v1 = first.indexDigest();

            ImagePublisher.PublishResult again = publisher.publishTagged(spec, options(), repo, false);
            assertThat(again.changed())
                    .as("same inputs, same digest: no tag moves")
                    .isFalse();

            // other content, same package version: the moving tags follow it, the epoch tag keeps the first image
            ImageBuildOptions later = new ImageBuildOptions(null, null, null, 1_800_000_000L, tmp);
            ImagePublisher.PublishResult changed = publisher.publishTagged(spec, later, repo, false);
            assertThat(changed.indexDigest()).isNotEqualTo(v1);
            assertThat(changed.heldBack()).isEqualTo(repo.withTag("2.12-r0"));
            assertThat(changed.push().updated()).hasSize(3);
            List<String> accept = List.of(dev.kiln.oci.MediaTypes.OCI_INDEX);
            assertThat(client.manifestDigest(repo.withTag("2.12"), accept)).contains(changed.indexDigest());
            assertThat(client.manifestDigest(repo.withTag("2.12-r0"), accept)).contains(v1);

            ImagePublisher.PublishResult dev = publisher.publishTagged(spec, options(), repo, true);
            assertThat(dev.tags().all()).containsExactly("latest-dev", "2-dev", "2.12-dev", "2.12-r0-dev");
        }
    }
}
