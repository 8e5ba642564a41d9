package dev.kiln.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.content.Hashing;
import dev.kiln.oci.DockerArchive;
import dev.kiln.testkit.Tools;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kiln Docker archive holds what {@code docker load} reads ({@link DockerLoadInteropIT} has the
 * engine itself load and run one):
 * a {@code manifest.json} array whose entry names the config, the tags and the layer files; a
 * config whose sha256 is the image ID; and layers whose uncompressed sha256 are the config's
 * {@code rootfs.diff_ids} in order, which is what the engine checks when it registers each layer.
 * There is no {@code repositories} file: the engine reads it only for pre-1.10 archives without a
 * {@code manifest.json}. GNU tar extracts the archive, and skopeo reads and converts it.
 */
class DockerArchiveFormatIT {
    @TempDir
    Path tmp;

    @Test
    void theArchiveHasTheLayoutDockerLoadReads() throws Exception {
        Tools.require("tar", "apt-get install tar");
        Fixtures.runnableRepository(tmp);
        // origin layering gives several layers, so the order of Layers against diff_ids is tested
        ImageBuild build = Fixtures.build(tmp, """
                contents:
                  repositories: [./repo]
                  keyring: [./kiln-test.rsa.pub]
                  packages: [kiln-baselayout, hello]
                entrypoint:
                  command: /usr/bin/hello
                layering:
                  strategy: origin
                  budget: 5
                archs: [amd64]
                """);
        Path archive = tmp.resolve("hello.docker.tar");
        String configDigest = new DockerArchive(archive, null)
                .write(build.images(), "kiln.dev/hello:2.12")
                .toString();

        Path x = Files.createDirectories(tmp.resolve("x"));
        InteropIT.Run untar = InteropIT.run(tmp, "tar", "-xf", archive.toString(), "-C", x.toString());
        assertThat(untar.exit()).as(untar.out()).isZero();
        JsonNode manifest =
                new ObjectMapper().readTree(x.resolve("manifest.json").toFile());
        assertThat(manifest.isArray()).isTrue();
        assertThat(manifest).hasSize(1);
        JsonNode entry = manifest.get(0);
        List<String> keys = new ArrayList<>();
        entry.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("Config", "RepoTags", "Layers");
        assertThat(entry.get("RepoTags").get(0).asText()).isEqualTo("kiln.dev/hello:2.12");
        assertThat(entry.get("RepoTags")).hasSize(1);

        Path config = x.resolve(entry.get("Config").asText());
        byte[] configBytes = Files.readAllBytes(config);
        assertThat("sha256:" + Hashing.sha256Hex(configBytes)).as("image ID").isEqualTo(configDigest);
        JsonNode cfg = new ObjectMapper().readTree(configBytes);
        assertThat(cfg.path("os").asText()).isEqualTo("linux");
        assertThat(cfg.path("architecture").asText()).isEqualTo("amd64");
        assertThat(cfg.path("rootfs").path("type").asText()).isEqualTo("layers");
        JsonNode diffIds = cfg.path("rootfs").path("diff_ids");
        JsonNode layers = entry.get("Layers");
        assertThat(layers.size()).as("layers").isGreaterThan(1).isEqualTo(diffIds.size());
        for (int i = 0; i < layers.size(); i++) {
            Path layer = x.resolve(layers.get(i).asText());
            assertThat(layer).as("layer file " + layers.get(i)).isRegularFile();
            try (InputStream in = new GZIPInputStream(Files.newInputStream(layer))) {
                assertThat("sha256:" + Hashing.sha256Hex(in.readAllBytes()))
                        .as("diff_id of " + layers.get(i))
                        .isEqualTo(diffIds.get(i).asText());
            }
        }
        try (var files = Files.list(x)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList())
                    .as("manifest.json, the config and the layers; no legacy files")
                    .hasSize(2 + layers.size())
                    .doesNotContain("repositories");
        }

        Tools.require("skopeo", "apt-get install skopeo");
        InteropIT.Run raw = InteropIT.run(tmp, "skopeo", "inspect", "--config", "--raw", "docker-archive:" + archive);
        assertThat(raw.exit()).as(raw.out()).isZero();
        assertThat(raw.out().trim()).isEqualTo(new String(configBytes, StandardCharsets.UTF_8).trim());
        // naming the tag makes skopeo pick the image by its RepoTags entry
        InteropIT.Run inspect =
                InteropIT.run(tmp, "skopeo", "inspect", "docker-archive:" + archive + ":kiln.dev/hello:2.12");
        assertThat(inspect.exit()).as(inspect.out()).isZero();
        JsonNode inspected = new ObjectMapper().readTree(inspect.out());
        assertThat(inspected.path("Architecture").asText()).isEqualTo("amd64");
        // the docker-archive transport presents each layer uncompressed, by its diff_id
        List<String> stored = new ArrayList<>();
        diffIds.forEach(d -> stored.add(d.asText()));
        List<String> seen = new ArrayList<>();
        inspected.path("Layers").forEach(l -> seen.add(l.asText()));
        assertThat(seen).as("layers as skopeo reads them").isEqualTo(stored);
        InteropIT.Run wrongTag =
                InteropIT.run(tmp, "skopeo", "inspect", "docker-archive:" + archive + ":kiln.dev/hello:other");
        assertThat(wrongTag.exit()).as("a tag the archive does not hold").isNotZero();
        InteropIT.Run copy = InteropIT.run(tmp, "skopeo", "copy", "docker-archive:" + archive, "oci:copied:latest");
        assertThat(copy.exit()).as(copy.out()).isZero();

        Tools.require("umoci", "apt-get install umoci");
        InteropIT.Run unpack =
                InteropIT.run(tmp, "umoci", "unpack", "--rootless", "--image", "copied:latest", "bundle");
        assertThat(unpack.exit()).as(unpack.out()).isZero();
        assertThat(Files.readAllBytes(tmp.resolve("bundle/rootfs/usr/bin/hello")))
                .isEqualTo(Fixtures.helloElf());
        assertThat(tmp.resolve("bundle/rootfs/lib/apk/db/installed")).isRegularFile();
    }
}
