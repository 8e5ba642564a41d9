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

    @Test
    void mergeKeysResolveAsApkoDoesExplicitKeysAndEarlierMergesWin() throws Exception {
        Path f = tmp.resolve("merge.yaml");
        Files.writeString(f, """
                contents:
                  packages: [hello]
                accounts:
                  users:
                    - <<: [{username: nonroot, uid: 65532, shell: /bin/false}, {homedir: /var/empty, shell: /bin/sh, gid: 10}]
                      uid: 1000
                annotations:
                  <<: {a: from-merge, b: from-merge}
                  b: explicit
                """);
        ImageSpec spec = ImageSpecLoader.load(f);
        ImageSpec.User u = spec.accounts().users().get(0);
        assertThat(u.username()).isEqualTo("nonroot");
        assertThat(u.uid()).as("the mapping's own key wins").isEqualTo(1000);
        assertThat(u.shell()).as("the earlier merged mapping wins").isEqualTo("/bin/false");
        assertThat(u.homedir()).isEqualTo("/var/empty");
        assertThat(u.gid()).isEqualTo(10);
        assertThat(spec.annotations()).containsEntry("a", "from-merge").containsEntry("b", "explicit");
    }

    @Test
    void mergeKeysThroughAliasesAcrossSections() throws Exception {
        Path f = tmp.resolve("alias.yaml");
        Files.writeString(f, """
                contents:
                  packages: [hello]
                environment: &env
                  A: "1"
                  B: "2"
                annotations:
                  <<: *env
                  B: "3"
                """);
        ImageSpec spec = ImageSpecLoader.load(f);
        assertThat(spec.annotations()).containsEntry("A", "1").containsEntry("B", "3");
        assertThat(spec.environment()).containsEntry("B", "2");
    }

    @Test
    void aMergeOfAScalarAndAnUnknownMergedKeyAreErrorsAtTheirPlace() throws Exception {
        // a merge of a scalar is a composition error, so it stops the reading: the unknown key gets a file of its own
        Path f = tmp.resolve("badmerge.yaml");
        Files.writeString(f, """
                contents:
                  packages: [hello]
                  <<: just-text
                """);
        assertThatThrownBy(() -> ImageSpecLoader.load(f))
                .hasMessageContaining(f + ":3:7: a merge key '<<' takes a mapping or a list of mappings");
        Path g = tmp.resolve("unknownmerged.yaml");
        Files.writeString(g, """
                contents:
                  packages: [hello]
                entrypoint:
                  <<: {command: /bin/true, colour: blue}
                """);
        assertThatThrownBy(() -> ImageSpecLoader.load(g))
                .hasMessageContaining(g + ":4:28: unknown key 'colour' in 'entrypoint'");
    }

    @Test
    void aUserWithUidZeroIsRefusedPointingToRunAs() throws Exception {
        Path f = tmp.resolve("root.yaml");
        Files.writeString(f, """
                contents:
                  packages: [hello]
                accounts:
                  users:
                    - username: admin
                      uid: 0
                """);
        assertThatThrownBy(() -> ImageSpecLoader.load(f))
                .hasMessageContaining(f + ":6:12: accounts.users entry 'admin' has uid 0")
                .hasMessageContaining("accounts.run-as: 0");
    }

    @Test
    void certificateNamesFollowApkosRule() throws Exception {
        Path f = tmp.resolve("certname.yaml");
        Files.writeString(f, """
                contents:
                  packages: [hello]
                certificates:
                  additional:
                    - {name: .hidden, content: x}
                """);
        assertThatThrownBy(() -> ImageSpecLoader.load(f))
                .hasMessageContaining(f + ":5:14: certificates.additional name '.hidden' must be a plain file name");
    }
}
