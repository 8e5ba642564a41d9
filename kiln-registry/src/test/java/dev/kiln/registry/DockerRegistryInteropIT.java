package dev.kiln.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.content.Digest;
import dev.kiln.oci.ImageReference;
import dev.kiln.oci.distribution.RegistryClient;
import dev.kiln.testkit.DockerRegistryProcess;
import dev.kiln.testkit.Tools;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kiln's client against the CNCF distribution registry from Debian; skopeo pulls back what it pushed. */
class DockerRegistryInteropIT {

    @TempDir
    Path tmp;

    @Test
    void clientPushesSkopeoPulls() throws Exception {
        Tools.require(
                DockerRegistryProcess.available(),
                "Debian's docker-registry is not installed",
                "apt-get install docker-registry");
        try (DockerRegistryProcess registry = DockerRegistryProcess.start(tmp.resolve("docker-registry"))) {
            HttpClient http = HttpClient.newHttpClient();
            String host = registry.host();
            RegistryClient client = new RegistryClient(http, null);
            ImageReference ref = ImageReference.parse(host + "/kiln/app:v1");
            byte[] configBlob = TestContent.config("amd64");
            byte[] small = dev.kiln.content.Gzip.compress(OciLayoutFixture.layer(1, 2000), 1);
            byte[] large = TestContent.random(2, 36 << 20);
            for (byte[] blob : List.of(configBlob, small, large)) {
                client.pushBlob(ref, Digest.sha256(blob), blob.length, () -> new ByteArrayInputStream(blob));
            }
            // Compressed layer types, so skopeo copies the layers as they are instead of compressing them.
            byte[] manifest = new String(
                            TestContent.manifest(configBlob, small, large), java.nio.charset.StandardCharsets.UTF_8)
                    .replace(TestContent.OCI_LAYER + "\"", TestContent.OCI_LAYER + "+gzip\"")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            Digest digest = client.pushManifest(ref, TestContent.OCI_MANIFEST, manifest);
            assertThat(client.listTags(ref)).containsExactly("v1");
            assertThat(client.referrers(ref, digest, null)).isEmpty();
            assertThat(client.mountBlob(ImageReference.parse(host + "/kiln/other"), "kiln/app", Digest.sha256(large)))
                    .isTrue();
            // distribution 2.8 has no single-POST upload: it opens an upload (202) and the client PUTs the blob
            byte[] signature = "{\"critical\":{}}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            client.pushSmallBlob(ref, signature);
            try (var in = client.getBlob(ref, Digest.sha256(signature))) {
                assertThat(in.readAllBytes()).isEqualTo(signature);
            }

            String raw = SkopeoInteropIT.skopeo(
                    "inspect", "--raw", "--tls-verify=false", "docker://" + host + "/kiln/app:v1");
            assertThat(Digest.sha256(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .isEqualTo(digest);
            Path out = tmp.resolve("out");
            SkopeoInteropIT.skopeo(
                    "copy",
                    "--preserve-digests",
                    "--src-tls-verify=false",
                    "docker://" + host + "/kiln/app:v1",
                    "oci:" + out + ":v1");
            assertThat(Files.readString(out.resolve("index.json"))).contains(digest.toString());
            assertThat(Files.readAllBytes(out.resolve("blobs/sha256")
                            .resolve(Digest.sha256(large).hex())))
                    .isEqualTo(large);
        }
    }
}
