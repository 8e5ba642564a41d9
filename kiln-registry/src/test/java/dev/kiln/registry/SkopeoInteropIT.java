package dev.kiln.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.content.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** skopeo (Debian) copies single- and multi-arch images, OCI and Docker types, in and out with digests preserved. */
class SkopeoInteropIT {
    @TempDir
    Path tmp;

    RegistryServer server;
    String host;

    @BeforeEach
    void start() {
        server = new RegistryServer(RegistryConfig.builder(tmp.resolve("root")).build()).start();
        host = "127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static String skopeo(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("skopeo", "--insecure-policy"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue())
                .as("skopeo " + String.join(" ", args) + "\n" + out)
                .isZero();
        return out;
    }

    String rawManifest(String ref) throws Exception {
        return skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + host + "/" + ref);
    }

    @Test
    void singleArchOciRoundTripKeepsDigests() throws Exception {
        Path layout = tmp.resolve("src");
        byte[] manifest = OciLayoutFixture.singleArch(layout, 1, 3, 20_000);
        skopeo("copy", "--dest-tls-verify=false", "oci:" + layout + ":v1", "docker://" + host + "/library/hello:v1");
        assertThat(rawManifest("library/hello:v1").getBytes(StandardCharsets.UTF_8))
                .isEqualTo(manifest);
        Path out = tmp.resolve("out");
        skopeo("copy", "--src-tls-verify=false", "docker://" + host + "/library/hello:v1", "oci:" + out + ":v1");
        assertThat(Files.readString(out.resolve("index.json")))
                .contains(Digest.sha256(manifest).toString());
        assertThat(Files.readAllBytes(out.resolve("blobs/sha256")
                        .resolve(Digest.sha256(manifest).hex())))
                .isEqualTo(manifest);
    }

    @Test
    void multiArchOciRoundTripKeepsDigests() throws Exception {
        Path layout = tmp.resolve("src");
        byte[] index = OciLayoutFixture.multiArch(layout, 10);
        skopeo("copy", "--all", "--dest-tls-verify=false", "oci:" + layout + ":v1", "docker://" + host + "/multi:v1");
        assertThat(rawManifest("multi:v1").getBytes(StandardCharsets.UTF_8)).isEqualTo(index);
        Path out = tmp.resolve("out");
        skopeo("copy", "--all", "--src-tls-verify=false", "docker://" + host + "/multi:v1", "oci:" + out + ":v1");
        assertThat(Files.readString(out.resolve("index.json")))
                .contains(Digest.sha256(index).toString());
        try (Stream<Path> stream = Files.list(out.resolve("blobs/sha256"))) {
            assertThat(stream.count()).isEqualTo(1 + 2 * (1 + 1 + 2));
        }
    }

    @Test
    void dockerSchema2SingleAndListRoundTrip() throws Exception {
        Path layout = tmp.resolve("src");
        OciLayoutFixture.singleArch(layout, 20, 2, 10_000);
        skopeo(
                "copy",
                "--format",
                "v2s2",
                "--dest-tls-verify=false",
                "oci:" + layout + ":v1",
                "docker://" + host + "/dock:amd64");
        String docker = rawManifest("dock:amd64");
        assertThat(docker).contains("application/vnd.docker.distribution.manifest.v2+json");
        Path layout2 = tmp.resolve("src2");
        byte[] arm = OciLayoutFixture.image(layout2, "arm64", 21, 1, 1000);
        OciLayoutFixture.finish(layout2, TestContent.OCI_MANIFEST, arm, "v1");
        skopeo(
                "copy",
                "--format",
                "v2s2",
                "--dest-tls-verify=false",
                "oci:" + layout2 + ":v1",
                "docker://" + host + "/dock:arm64");
        String dockerArm = rawManifest("dock:arm64");
        String list =
                "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.list.v2+json\",\"manifests\":["
                        + entry(docker, "amd64") + "," + entry(dockerArm, "arm64") + "]}";
        Http http = new Http("http://" + host);
        assertThat(http.send(
                                "PUT",
                                "/v2/dock/manifests/list",
                                list.getBytes(StandardCharsets.UTF_8),
                                "Content-Type",
                                "application/vnd.docker.distribution.manifest.list.v2+json")
                        .statusCode())
                .isEqualTo(201);
        assertThat(rawManifest("dock:list")).isEqualTo(list);
        Path out = tmp.resolve("out");
        skopeo("copy", "--all", "--src-tls-verify=false", "docker://" + host + "/dock:list", "dir:" + out);
        assertThat(Files.readString(out.resolve("manifest.json"))).isEqualTo(list);
        // Back in: a docker list copied to another repository keeps its digest.
        skopeo(
                "copy",
                "--all",
                "--src-tls-verify=false",
                "--dest-tls-verify=false",
                "docker://" + host + "/dock:list",
                "docker://" + host + "/dock-copy:list");
        assertThat(rawManifest("dock-copy:list")).isEqualTo(list);
    }

    private static String entry(String manifest, String arch) {
        byte[] bytes = manifest.getBytes(StandardCharsets.UTF_8);
        return "{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"digest\":\""
                + Digest.sha256(bytes) + "\",\"size\":" + bytes.length + ",\"platform\":{\"architecture\":\"" + arch
                + "\",\"os\":\"linux\"}}";
    }
}
