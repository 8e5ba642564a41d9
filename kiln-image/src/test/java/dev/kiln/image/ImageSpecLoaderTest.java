package dev.kiln.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageSpecLoaderTest {
    static final Path CORPUS =
            Path.of(System.getProperty("kiln.repo.root", "..")).resolve("../shared/corpora/apko-examples");

    @TempDir
    Path tmp;

    @Test
    void allApkoExamplesLoad() throws Exception {
        List<Path> configs;
        try (Stream<Path> s = Files.walk(CORPUS)) {
            configs = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(configs).hasSize(20);
        for (Path p : configs) {
            ImageSpec spec = ImageSpecLoader.load(p);
            assertThat(spec.contents().packages()).as(p.toString()).isNotEmpty();
        }
        ImageSpec nginx = ImageSpecLoader.load(CORPUS.resolve("nginx.yaml"));
        assertThat(nginx.archs()).containsExactly("x86_64");
        assertThat(nginx.entrypoint().services()).containsKey("nginx");
        assertThat(nginx.paths().get(0).permissions()).isEqualTo(0755);
        assertThat(nginx.paths().get(1).type()).isEqualTo(ImageSpec.PathType.HARDLINK);
        assertThat(nginx.accounts().users().get(0).effectiveGid()).isEqualTo(10000);
        ImageSpec included = ImageSpecLoader.load(CORPUS.resolve("overlay.yaml"));
        assertThat(included.contents().packages()).contains("alpine-base", "nano");
        assertThat(included.archs()).isNotEmpty();
        assertThat(ImageSpecLoader.load(CORPUS.resolve("alpine-base-rootless.yaml"))
                        .effectiveEnv())
                .contains("SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt");
    }

    @Test
    void exampleCatalogLoads() {
        Path images = Path.of(System.getProperty("kiln.repo.root", "..")).resolve("examples/images");
        for (String name : List.of("static", "busybox", "hello")) {
            ImageSpec spec = ImageSpecLoader.load(images.resolve(name + ".yaml"));
            assertThat(spec.contents().packages()).contains("kiln-baselayout");
            assertThat(spec.accounts().runAs()).isEqualTo("65532");
        }
    }

    @Test
    void everyProblemIsReportedWithLineAndColumn() throws Exception {
        Path f = tmp.resolve("bad.yaml");
        Files.writeString(f, """
                contents:
                  packages:
                    - hello>=x.y
                  pakages: [a]
                archs: [sparc]
                paths:
                  - path: relative
                    type: directory
                    permissions: 0o999
                """);
        assertThatThrownBy(() -> ImageSpecLoader.load(f))
                .hasMessageContaining(f + ":3:7: package 'hello>=x.y'")
                .hasMessageContaining(f + ":4:3: unknown key 'pakages' in 'contents' (expected one of: ")
                .hasMessageContaining(f + ":5:9: unknown architecture 'sparc'")
                .hasMessageContaining("paths path 'relative' must be absolute")
                .hasMessageContaining(":9:18: paths permissions must be an octal mode");
    }

    @Test
    void mergeKeysAreResolvedAsApkoResolvesThem() throws Exception {
        Path f = tmp.resolve("merge.yaml");
        Files.writeString(f, """
                environment: &common
                  LANG: C.UTF-8
                  TZ: UTC
                annotations:
                  <<: *common
                  TZ: Europe/Paris
                  org.opencontainers.image.title: hello
                """);
        ImageSpec spec = ImageSpecLoader.load(f);
        assertThat(spec.environment()).containsExactly(Map.entry("LANG", "C.UTF-8"), Map.entry("TZ", "UTC"));
        assertThat(spec.annotations())
                .containsExactly(
                        Map.entry("LANG", "C.UTF-8"),
                        Map.entry("TZ", "Europe/Paris"),
                        Map.entry("org.opencontainers.image.title", "hello"));
    }
}
