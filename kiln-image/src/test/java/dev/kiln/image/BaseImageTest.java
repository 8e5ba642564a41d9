package dev.kiln.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.apk.FileTree;
import dev.kiln.apk.InstalledPackage;
import dev.kiln.apk.Installer;
import dev.kiln.oci.ImageConfig;
import dev.kiln.oci.OciImage;
import dev.kiln.oci.OciLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code contents.baseimage}: an image built on top of a base image that Kiln built first. */
class BaseImageTest {
    static final String BASE = """
            contents:
              repositories: [./repo]
              keyring: [./kiln-test.rsa.pub]
              packages: [kiln-baselayout, libc]
            entrypoint:
              command: /usr/bin/env
            accounts:
              groups: [{groupname: nonroot, gid: 65532}]
              users: [{username: nonroot, uid: 65532}]
              run-as: "65532"
            archs: [amd64]
            """;

    static final String ON_TOP = """
            contents:
              baseimage:
                image: ./base-layout
                apkindex: ./base-apkindex
              repositories: [./repo]
              keyring: [./kiln-test.rsa.pub]
              packages: [libc, hello]
            archs: [amd64]
            """;

    @TempDir
    Path tmp;

    ImageBuild base;

    @BeforeEach
    void setUp() throws Exception {
        Fixtures.repository(tmp);
        Fixtures.publicKey(tmp);
        base = Fixtures.build(tmp, BASE);
        new OciLayout(tmp.resolve("base-layout")).write(base.images(), "base");
        FileTree baseTree = base.archs().get(0).tree();
        Path apkindex = tmp.resolve("base-apkindex/x86_64/APKINDEX");
        Files.createDirectories(apkindex.getParent());
        Files.write(
                apkindex,
                baseTree.get(Installer.databasePath(baseTree)).orElseThrow().content());
    }

    @Test
    void theImageIsTheBaseLayersPlusOneWithOnlyWhatWasAdded() throws Exception {
        ArchImage top = Fixtures.build(tmp, ON_TOP).archs().get(0);
        OciImage baseImage = base.archs().get(0).image();
        OciImage image = top.image();

        List<String> baseLayers = baseImage.parsedManifest().layers().stream()
                .map(d -> d.digest().toString())
                .toList();
        List<String> layers = image.parsedManifest().layers().stream()
                .map(d -> d.digest().toString())
                .toList();
        assertThat(layers).hasSize(baseLayers.size() + 1).startsWith(baseLayers.toArray(String[]::new));
        ImageConfig config = image.parsedConfig();
        assertThat(config.diffIds().subList(0, baseLayers.size()))
                .isEqualTo(baseImage.parsedConfig().diffIds());
        assertThat(config.history()).hasSize(baseImage.parsedConfig().history().size() + 1);
        assertThat(config.config().entrypoint()).as("kept from the base").containsExactly("/usr/bin/env");
        assertThat(config.config().user()).as("kept from the base").isEqualTo("65532");

        assertThat(top.packages()).extracting(InstalledPackage::name).containsExactly("hello");
        FileTree added = ImageTrees.read(OciImage.of(
                dev.kiln.oci.Manifest.of(
                        image.parsedManifest().config(),
                        List.of(image.parsedManifest().layers().get(layers.size() - 1)),
                        java.util.Map.of()),
                config,
                List.of(image.layers().get(layers.size() - 1))));
        assertThat(added.entries()).extracting(dev.kiln.apk.FileNode::path).contains("usr/bin/hello");
        assertThat(added.exists("usr/lib/libc.so.6"))
                .as("libc is in the base, not reinstalled")
                .isFalse();
        assertThat(added.exists("etc/os-release")).isFalse();

        FileTree whole = ImageTrees.read(image);
        assertThat(whole.exists("etc/os-release")).isTrue();
        assertThat(ImageBuilderTest.text(whole, "usr/bin/hello")).contains("echo hello");
        String db = ImageBuilderTest.text(whole, Installer.databasePath(whole));
        assertThat(db).contains("P:kiln-baselayout\n").contains("P:libc\n").contains("P:hello\n");
        assertThat(ImageBuilderTest.text(whole, "etc/apk/world"))
                .contains("hello\n")
                .contains("libc=2.40-r1\n");
    }

    @Test
    void twoBuildsOnTheSameBaseAreIdentical() throws Exception {
        assertThat(Fixtures.build(tmp, ON_TOP).images().index().descriptor().digest())
                .isEqualTo(Fixtures.build(tmp, ON_TOP)
                        .images()
                        .index()
                        .descriptor()
                        .digest());
    }

    @Test
    void settingsApkoRefusesBesideABaseImageAreErrors() throws Exception {
        String yaml = ON_TOP + "entrypoint: {command: /bin/sh}\nannotations: {a: b}\n";
        assertThatThrownBy(() -> Fixtures.build(tmp, yaml))
                .hasMessageContaining("image.yaml:9:13: 'entrypoint' cannot be used with contents.baseimage")
                .hasMessageContaining("image.yaml:10:14: 'annotations' cannot be used with contents.baseimage");
    }

    @Test
    void aMissingBaseLayoutNamesTheField() throws Exception {
        String yaml = ON_TOP.replace("./base-layout", "./nowhere");
        assertThatThrownBy(() -> Fixtures.build(tmp, yaml))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("contents.baseimage.image ./nowhere");
    }
}
