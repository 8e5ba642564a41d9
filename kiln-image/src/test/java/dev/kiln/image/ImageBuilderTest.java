package dev.kiln.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.apk.ApkSigningKey;
import dev.kiln.apk.FileNode;
import dev.kiln.apk.FileTree;
import dev.kiln.apk.InstalledPackage;
import dev.kiln.apk.Installer;
import dev.kiln.oci.ImageConfig;
import dev.kiln.oci.OciLayout;
import dev.kiln.testkit.TestPackages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageBuilderTest {
    static final String HELLO = """
            contents:
              repositories: [./repo]
              keyring: [./kiln-test.rsa.pub]
              packages: [kiln-baselayout, hello]
            entrypoint:
              command: /usr/bin/hello
            accounts:
              groups: [{groupname: nonroot, gid: 65532}]
              users: [{username: nonroot, uid: 65532, gid: 65532}]
              run-as: "65532"
            paths:
              - {path: /data, type: directory, uid: 65532, gid: 65532, permissions: 0o750}
              - {path: /usr/bin/hi, type: hardlink, source: /usr/bin/hello}
            annotations:
              org.opencontainers.image.title: hello
            archs: [amd64]
            """;

    @TempDir
    Path tmp;

    @BeforeEach
    void setUp() throws Exception {
        Fixtures.repository(tmp);
        Fixtures.publicKey(tmp);
    }

    ImageBuild build(String yaml, Clock clock, Long epoch) throws Exception {
        if (!yaml.contains("hello]")) {
            yaml = yaml.replace("  - {path: /usr/bin/hi, type: hardlink, source: /usr/bin/hello}\n", "");
        }
        ImageSpec spec = ImageSpecLoader.load(Fixtures.config(tmp, yaml));
        return new ImageBuilder(clock).build(spec, new ImageBuildOptions(null, null, null, epoch, tmp));
    }

    static String text(FileTree tree, String path) {
        return new String(tree.get(path).orElseThrow().content(), StandardCharsets.UTF_8);
    }

    @Test
    void sameInputsGiveTheSameIndexDigestOnAnyDay() throws Exception {
        Clock monday = Clock.fixed(Instant.parse("2025-01-06T09:00:00Z"), ZoneOffset.UTC);
        Clock friday = Clock.fixed(Instant.parse("2025-03-14T17:30:00Z"), ZoneOffset.UTC);
        ImageBuild a = build(HELLO, monday, null);
        ImageBuild b = build(HELLO, friday, null);
        assertThat(a.images().index().descriptor().digest())
                .isEqualTo(b.images().index().descriptor().digest());
        assertThat(a.images().index().bytes()).isEqualTo(b.images().index().bytes());
        ImageBuild c = build(HELLO, friday, 1_800_000_000L);
        assertThat(c.images().index().descriptor().digest())
                .isNotEqualTo(a.images().index().descriptor().digest());
    }

    @Test
    void oneBuildTimeDatesTheConfigHistoryAnnotationsAssembledFilesSbomsAndProvenance() throws Exception {
        // newest builddate (hello's) by default; SOURCE_DATE_EPOCH when given
        for (Long epoch : new Long[] {null, 1_800_000_000L}) {
            ImageBuild build = build(HELLO, Clock.systemUTC(), epoch);
            ArchImage img = build.archs().get(0);
            long expected = epoch != null ? epoch : Fixtures.BUILD_DATE + 50;
            String text = Instant.ofEpochSecond(expected).toString();
            assertThat(img.created()).isEqualTo(expected);
            assertThat(build.created()).isEqualTo(expected);
            ImageConfig config = img.image().parsedConfig();
            assertThat(config.created()).isEqualTo(text);
            assertThat(config.history())
                    .extracting(ImageConfig.History::created)
                    .containsOnly(text);
            assertThat(build.images().parsedIndex().annotations())
                    .containsEntry("org.opencontainers.image.created", text);
            assertThat(img.tree().get("etc/apko.json").orElseThrow().mtime()).isEqualTo(expected);
            ImageSbom sbom = new ImageSbom(img.tree(), SbomSubject.of("hello", img));
            assertThat(new String(sbom.spdx(), StandardCharsets.UTF_8)).contains("\"created\" : \"" + text + "\"");
            assertThat(new String(sbom.cyclonedx(), StandardCharsets.UTF_8))
                    .contains("\"timestamp\" : \"" + text + "\"");
            assertThat(new String(
                            ImageProvenance.provenance(build, tmp.resolve("image.yaml"))
                                    .toJson(),
                            StandardCharsets.UTF_8))
                    .contains("\"startedOn\":\"" + text + "\"");
        }
    }

    @Test
    void aMergedUsrKeepsTheDatabaseUnderUsrLib() throws Exception {
        Path repo = tmp.resolve("merged");
        TestPackages.publish(
                repo,
                "x86_64",
                Fixtures.KEY,
                List.of(TestPackages.apk("merged-layout", "1.0-r0")
                        .builddate(Fixtures.BUILD_DATE)
                        .file("etc/os-release", "ID=kiln\n", 0644)
                        .dir("usr/lib")
                        .symlink("lib", "usr/lib")));
        ImageBuild build = build("""
                contents:
                  repositories: [./merged]
                  keyring: [./kiln-test.rsa.pub]
                  packages: [merged-layout]
                archs: [amd64]
                """, Clock.systemUTC(), null);
        FileTree tree = build.archs().get(0).tree();
        assertThat(text(tree, "usr/lib/apk/db/installed")).contains("P:merged-layout\n");
        assertThat(Installer.databasePath(tree)).isEqualTo("usr/lib/apk/db/installed");
        assertThat(tree.get("lib").orElseThrow().kind()).isEqualTo(FileNode.Kind.SYMLINK);
        assertThat(tree.exists("usr/lib/apk")).isTrue();
        assertThat(tree.get("usr/lib/apk").orElseThrow().kind()).isEqualTo(FileNode.Kind.DIRECTORY);
    }

    @Test
    void installsResolvesAndConfigures() throws Exception {
        ImageBuild build = build(HELLO, Clock.systemUTC(), null);
        ArchImage img = build.archs().get(0);
        assertThat(img.packages()).extracting(InstalledPackage::toString).isNotEmpty();
        assertThat(img.packages())
                .extracting(p -> p.name() + "-" + p.version())
                .containsExactly("libc-2.40-r1", "hello-2.12-r0", "kiln-baselayout-1.0-r0");
        FileTree tree = img.tree();
        String db = text(tree, "lib/apk/db/installed");
        assertThat(db)
                .contains("P:hello\nV:2.12-r0\nA:x86_64\n")
                .contains("D:so:libc.so.6")
                .contains("F:usr/bin\nR:hello\na:0:0:755\nZ:Q1");
        assertThat(db.indexOf("P:libc")).isLessThan(db.indexOf("P:hello"));
        assertThat(tree.get("usr/lib/apk").orElseThrow().linkTarget())
                .as("apko's location reaches it")
                .isEqualTo("../../lib/apk");
        assertThat(tree.get("lib/apk").orElseThrow().kind()).isEqualTo(FileNode.Kind.DIRECTORY);
        assertThat(text(tree, "etc/apk/world")).isEqualTo("hello\nkiln-baselayout\n");
        assertThat(text(tree, "etc/apk/arch")).isEqualTo("x86_64\n");
        assertThat(text(tree, "etc/apk/repositories")).isEqualTo("./repo\n");
        assertThat(tree.exists("etc/apk/keys/kiln-test.rsa.pub")).isTrue();
        assertThat(text(tree, "etc/passwd")).isEqualTo("""
                           root:x:0:0:root:/root:/bin/sh
                           nonroot:x:65532:65532:Account created by kiln:/home/nonroot:/bin/sh
                           """);
        assertThat(text(tree, "etc/group")).contains("nonroot:x:65532:");
        FileNode home = tree.get("home/nonroot").orElseThrow();
        assertThat(home.mode()).isEqualTo(0700);
        assertThat(home.uid()).isEqualTo(65532);
        FileNode data = tree.get("data").orElseThrow();
        assertThat(data.mode()).isEqualTo(0750);
        assertThat(tree.get("usr/bin/hi").orElseThrow().kind()).isEqualTo(FileNode.Kind.HARDLINK);
        assertThat(tree.get("etc/apko.json").orElseThrow().mode()).isEqualTo(0444);

        ImageConfig config = img.image().parsedConfig();
        assertThat(config.created()).isEqualTo("2023-11-14T22:14:10Z"); // newest builddate: hello's
        assertThat(config.config().entrypoint()).containsExactly("/usr/bin/hello");
        assertThat(config.config().user()).isEqualTo("65532");
        assertThat(config.config().env())
                .containsExactly(
                        "PATH=/usr/local/sbin:/usr/local/bin:/usr/bin:/usr/sbin:/sbin:/bin",
                        "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt");
        assertThat(config.config().labels()).containsEntry("org.opencontainers.image.title", "hello");
        assertThat(config.history()).hasSize(1);
        assertThat(build.images().parsedIndex().annotations())
                .containsEntry("org.opencontainers.image.created", "2023-11-14T22:14:10Z");

        new OciLayout(tmp.resolve("out")).write(build.images(), "latest");
        assertThat(new OciLayout(tmp.resolve("out")).read("latest").images()).hasSize(1);
    }

    @Test
    void resolverPicksByVersionPriorityAndRejectsConflicts() throws Exception {
        ImageBuild build =
                build(HELLO.replace("[kiln-baselayout, hello]", "[greeter, libc<2.40]"), Clock.systemUTC(), 0L);
        assertThat(build.archs().get(0).packages())
                .extracting(p -> p.name() + "-" + p.version())
                .containsExactly("greeter-b-1.0-r0", "libc-2.39-r0");
        assertThatThrownBy(
                        () -> build(HELLO.replace("[kiln-baselayout, hello]", "[hello, nope]"), Clock.systemUTC(), 0L))
                .hasMessageContaining("nope: no package provides it for x86_64 in [./repo]");
        assertThatThrownBy(() -> build(
                        HELLO.replace("[kiln-baselayout, hello]", "[hello, libc<2.39, libc>2.39]"),
                        Clock.systemUTC(),
                        0L))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("libc");
        assertThatThrownBy(() ->
                        build(HELLO.replace("[kiln-baselayout, hello]", "[hello, grumpy]"), Clock.systemUTC(), 0L))
                .hasMessageContaining("grumpy")
                .hasMessageContaining("hello");
    }

    @Test
    void dependencyChainIsShown() throws Exception {
        Path other = tmp.resolve("other");
        dev.kiln.testkit.TestPackages.publish(
                other,
                "x86_64",
                Fixtures.KEY,
                List.of(dev.kiln.testkit.TestPackages.apk("hello", "3.0-r0")
                        .depends("so:libc.so.7")
                        .file("x", "x", 0644)));
        String yaml = HELLO.replace("[./repo]", "[./other]").replace("[kiln-baselayout, hello]", "[hello]");
        assertThatThrownBy(() -> build(yaml, Clock.systemUTC(), 0L))
                .hasMessageContaining("hello → so:libc.so.7: no package provides it for x86_64 in [./other]");
    }

    @Test
    void badInputFailsClearly() throws Exception {
        assertThatThrownBy(() -> build(HELLO.replace("path: /data", "path: /../../etc"), Clock.systemUTC(), 0L))
                .hasMessageContaining("outside the image root");
        Path wrongKey = tmp.resolve("wrong");
        Files.createDirectories(wrongKey);
        ApkSigningKey other = ApkSigningKey.generate(2048, "kiln-test.rsa");
        Files.writeString(wrongKey.resolve("kiln-test.rsa.pub"), other.publicKeyPem());
        assertThatThrownBy(() ->
                        build(HELLO.replace("./kiln-test.rsa.pub", "./wrong/kiln-test.rsa.pub"), Clock.systemUTC(), 0L))
                .hasMessageContaining("repository ./repo");
    }
}
