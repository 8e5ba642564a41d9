package dev.kiln.vuln.image;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.content.Digest;
import dev.kiln.content.TarHeader;
import dev.kiln.content.TarType;
import dev.kiln.content.TarWriter;
import dev.kiln.image.ImageBuild;
import dev.kiln.oci.Blob;
import dev.kiln.oci.DockerArchive;
import dev.kiln.oci.ImageReference;
import dev.kiln.oci.OciArchive;
import dev.kiln.oci.OciImage;
import dev.kiln.oci.OciImageSet;
import dev.kiln.oci.OciLayout;
import dev.kiln.oci.Platform;
import dev.kiln.oci.distribution.RegistryClient;
import dev.kiln.registry.RegistryConfig;
import dev.kiln.registry.RegistryServer;
import dev.kiln.vuln.VulnException;
import dev.kiln.vuln.inventory.Inventories;
import dev.kiln.vuln.inventory.Inventory;
import dev.kiln.vuln.inventory.InventoryPackage;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every image source yields the same image for the same platform; bad sources fail with the source named. */
class ImageSourcesIT {
    @TempDir
    Path tmp;

    ImageBuild build;
    ImageLoader loader = new ImageLoader(new RegistryClient(HttpClient.newHttpClient(), null));

    @BeforeEach
    void build() throws Exception {
        build = KilnImages.hello(tmp, "2.12-r0", false);
    }

    static List<String> names(LoadedImage image) {
        return Inventories.of(image.rootfs()).packages().stream()
                .map(p -> p.name() + "@" + p.version() + ":" + p.arch())
                .sorted()
                .toList();
    }

    @Test
    void layoutArchivesRegistryAndRootfsAgree() throws Exception {
        Path layout = tmp.resolve("layout");
        new OciLayout(layout).write(build.images(), "hello:latest");
        Path archive = tmp.resolve("hello.oci.tar");
        new OciArchive(archive).write(build.images(), "hello:latest");
        Path docker = tmp.resolve("hello.docker.tar");
        new DockerArchive(docker, Platform.parse("arm64")).write(build.images(), "hello:latest");

        LoadedImage fromLayout = loader.load(layout.toString(), null);
        assertThat(ImageSource.parse(layout.toString())).isInstanceOf(ImageSource.LayoutDir.class);
        assertThat(ImageSource.parse(archive.toString())).isInstanceOf(ImageSource.OciArchiveFile.class);
        assertThat(ImageSource.parse(docker.toString())).isInstanceOf(ImageSource.DockerArchiveFile.class);
        assertThat(ImageSource.parse("oci:" + layout + ":hello:latest"))
                .isEqualTo(new ImageSource.LayoutDir(layout, "hello:latest"));
        assertThat(names(fromLayout))
                .containsExactly("glibc@2.41-r2:x86_64", "hello@2.12-r0:x86_64", "kiln-baselayout@20250601-r0:x86_64");
        assertThat(fromLayout.platform().architecture()).isEqualTo("amd64");
        assertThat(fromLayout.user()).contains("65532");
        OciImage amd64 = build.images().images().stream()
                .filter(i -> i.platform().architecture().equals("amd64"))
                .findFirst()
                .orElseThrow();
        long stored =
                amd64.layers().stream().mapToLong(b -> b.descriptor().size()).sum();
        assertThat(fromLayout.compressedSize()).isEqualTo(stored);
        assertThat(fromLayout.uncompressedSize())
                .isGreaterThan(fromLayout.rootfs().totalSize());
        assertThat(fromLayout.layers()).hasSize(amd64.layers().size());

        LoadedImage arm = loader.load("oci-archive:" + archive + ":hello:latest", Platform.parse("linux/arm64"));
        assertThat(names(arm)).allMatch(n -> n.endsWith(":aarch64"));
        assertThat(names(loader.load(docker.toString(), Platform.parse("arm64"))))
                .isEqualTo(names(arm));
        assertThatThrownBy(() -> loader.load(docker.toString(), null))
                .isInstanceOf(VulnException.class)
                .hasMessageContaining("has no linux/amd64 image")
                .hasMessageContaining("linux/arm64");

        try (RegistryServer server = new RegistryServer(RegistryConfig.builder(tmp.resolve("registry"))
                        .addr("127.0.0.1:0")
                        .build())
                .start()) {
            String ref = "127.0.0.1:" + server.port() + "/kiln/hello:2.12";
            push(build.images(), ImageReference.parse(ref));
            LoadedImage remote = loader.load(ref, null);
            assertThat(names(remote)).isEqualTo(names(fromLayout));
            assertThat(remote.compressedSize()).isEqualTo(fromLayout.compressedSize());
            assertThat(remote.uncompressedSize()).isEqualTo(fromLayout.uncompressedSize());
            assertThat(names(loader.load("docker://" + ref, Platform.parse("arm64"))))
                    .isEqualTo(names(arm));
        }

        Path rootfs = tmp.resolve("rootfs");
        Files.createDirectories(rootfs.resolve("usr/lib/apk/db"));
        Files.write(
                rootfs.resolve("usr/lib/apk/db/installed"),
                fromLayout.rootfs().read("usr/lib/apk/db/installed").orElseThrow());
        LoadedImage dir = loader.load(rootfs.toString(), null);
        assertThat(dir.config()).isNull();
        assertThat(dir.compressedSize()).isEqualTo(-1);
        assertThat(names(dir)).isEqualTo(names(fromLayout));
    }

    @Test
    void aCorruptLayerIsNamedAndAnUnknownTargetExplained() throws Exception {
        Path layout = tmp.resolve("layout");
        new OciLayout(layout).write(build.images(), null);
        Blob layer = build.images().images().get(0).layers().get(0);
        Path blob = new OciLayout(layout).blobPath(layer.descriptor().digest());
        byte[] bytes = Files.readAllBytes(blob);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(blob, bytes);
        Platform platform = build.images().images().get(0).platform();
        assertThatThrownBy(() -> loader.load(layout.toString(), platform))
                .isInstanceOf(VulnException.class)
                .hasMessageContaining("layer 1 of")
                .hasMessageContaining(layer.descriptor().digest().toString());

        assertThatThrownBy(() -> loader.load(tmp.resolve("no such file").toString(), null))
                .isInstanceOf(VulnException.class)
                .hasMessageContaining("neither an existing file or directory");
    }

    @Test
    void aBareLayerTarIsARootfsWithItsSizes() throws Exception {
        Path tar = tmp.resolve("layer.tar");
        byte[] db = "P:zlib\nV:1.3.1-r0\nA:x86_64\nt:1700000000\n\n".getBytes(UTF_8);
        try (OutputStream out = Files.newOutputStream(tar)) {
            TarWriter w = new TarWriter(out);
            w.write(TarHeader.of("lib/apk/db/installed", TarType.FILE, 0644, db.length, 0), db);
            w.finish();
        }
        LoadedImage image = loader.load(tar.toString(), null);
        assertThat(image.layers()).singleElement().satisfies(l -> {
            assertThat(l.compressedSize()).isEqualTo(Files.size(tar));
            assertThat(l.uncompressedSize()).isEqualTo(Files.size(tar));
        });
        Inventory inv = Inventories.of(image.rootfs());
        assertThat(inv.packages())
                .extracting(InventoryPackage::built)
                .containsExactly(Instant.ofEpochSecond(1_700_000_000L));
    }

    /** Pushes a multi-platform set the way a client does: blobs, then manifests, then the index under the tag. */
    static void push(OciImageSet set, ImageReference ref) {
        RegistryClient client = new RegistryClient(HttpClient.newHttpClient(), null);
        for (OciImage image : set.images()) {
            for (Blob b : List.of(image.config())) {
                client.pushBlob(ref, b.descriptor().digest(), b.descriptor().size(), b::open);
            }
            for (Blob b : image.layers()) {
                client.pushBlob(ref, b.descriptor().digest(), b.descriptor().size(), b::open);
            }
            client.pushManifest(
                    ref.withDigest(image.manifest().descriptor().digest()),
                    image.manifest().descriptor().mediaType(),
                    image.manifest().bytes());
        }
        Digest index = client.pushManifest(
                ref, set.index().descriptor().mediaType(), set.index().bytes());
        assertThat(index).isEqualTo(set.index().descriptor().digest());
    }
}
