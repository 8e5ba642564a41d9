package dev.kiln.oci;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.content.Digest;
import dev.kiln.content.TarWriter;
import dev.kiln.oci.internal.ArchiveEntries;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayoutAndArchivesTest {
    @TempDir
    Path tmp;

    static OciImage image(String arch, String variant) {
        Blob layer = Blob.of(MediaTypes.OCI_LAYER_GZIP, (arch + " layer").getBytes(UTF_8));
        ImageConfig c =
                new ImageConfig(null, null, arch, "linux", variant, null, List.of(Digest.sha256(layer.bytes())), null);
        return OciImage.of(Manifest.of(c.descriptor(), List.of(layer.descriptor()), Map.of()), c, List.of(layer));
    }

    static OciImageSet twoPlatforms() {
        return OciImageSet.of(List.of(image("arm64", "v8"), image("amd64", null)), Map.of("a", "b"));
    }

    @Test
    void layoutRoundTripAndRetag() throws Exception {
        OciLayout layout = new OciLayout(tmp.resolve("layout"));
        OciImageSet set = twoPlatforms();
        assertThat(set.images().get(0).platform()).hasToString("linux/amd64");
        Digest d = layout.write(set, "v1");
        layout.write(set, "v1");
        layout.write(set, "v2");
        assertThat(d).isEqualTo(set.index().descriptor().digest());
        assertThat(layout.index().manifests()).hasSize(2);
        assertThat(Files.readString(layout.dir().resolve("oci-layout")))
                .isEqualTo("{\"imageLayoutVersion\":\"1.0.0\"}");
        OciImageSet back = layout.read("v1");
        assertThat(back.index().bytes()).isEqualTo(set.index().bytes());
        assertThat(back.images())
                .extracting(i -> i.platform().toString())
                .containsExactly("linux/amd64", "linux/arm64/v8");
        assertThat(back.image(Platform.parse("arm64")).layers().get(0).bytes())
                .isEqualTo("arm64 layer".getBytes(UTF_8));
        assertThatThrownBy(() -> layout.read(null)).hasMessageContaining("2 entries");
        assertThatThrownBy(() -> layout.read("nope")).hasMessageContaining("no entry named 'nope'");
    }

    @Test
    void signaturesBesideTheImageDoNotMakeItAmbiguous() {
        OciLayout layout = new OciLayout(tmp.resolve("layout"));
        OciImageSet app = twoPlatforms();
        Digest d = layout.write(app, "app:1.0");
        OciImageSet signature = OciImageSet.of(List.of(image("amd64", null)), Map.of("s", "t"));
        layout.write(signature, "sha256-" + d.hex() + ".sig");
        layout.write(OciImageSet.of(List.of(image("amd64", null)), Map.of("referrer", "1")), null);
        assertThat(layout.index().manifests()).hasSize(3);
        assertThat(layout.read(null).index().descriptor().digest()).isEqualTo(d);
        layout.write(twoPlatforms(), "app:2.0");
        assertThatThrownBy(() -> layout.read(null)).hasMessageContaining("4 entries");
    }

    @Test
    void corruptBlobIsDetected() throws Exception {
        OciLayout layout = new OciLayout(tmp.resolve("layout"));
        OciImageSet set = twoPlatforms();
        layout.write(set, "v1");
        Digest manifest = set.images().get(0).manifest().descriptor().digest();
        byte[] bytes = Files.readAllBytes(layout.blobPath(manifest));
        bytes[10] ^= 1;
        Files.write(layout.blobPath(manifest), bytes);
        assertThatThrownBy(() -> layout.read("v1")).hasMessageContaining("blob " + manifest + " has digest");
    }

    @Test
    void blobThatDoesNotMatchItsDescriptorIsNotStored() throws Exception {
        OciLayout layout = new OciLayout(tmp.resolve("layout"));
        byte[] content = "real content".getBytes(UTF_8);
        Descriptor claimed =
                Descriptor.of(MediaTypes.OCI_LAYER, Digest.sha256("other content".getBytes(UTF_8)), content.length);
        assertThatThrownBy(() -> layout.writeBlob(Blob.of(claimed, content)))
                .hasMessageContaining("declared as " + claimed.digest() + " hashes to " + Digest.sha256(content));
        assertThat(layout.blobPath(claimed.digest())).doesNotExist();
        try (var files = Files.list(layout.blobPath(claimed.digest()).getParent())) {
            assertThat(files).as("no temporary file left behind").isEmpty();
        }
    }

    @Test
    void ociArchiveIsDeterministicAndRoundTrips() throws Exception {
        OciImageSet set = twoPlatforms();
        Path a = tmp.resolve("a.tar");
        Path b = tmp.resolve("b.tar");
        new OciArchive(a).write(set, "latest");
        new OciArchive(b).write(twoPlatforms(), "latest");
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        OciImageSet back = new OciArchive(a).read("latest");
        assertThat(back.index().descriptor().digest())
                .isEqualTo(set.index().descriptor().digest());
        assertThat(back.images()).hasSize(2);
    }

    @Test
    void dockerArchiveEntryWithoutLayersIsAnOciError() throws Exception {
        // found by NullAway: the missing list used to end in a NullPointerException
        Path file = tmp.resolve("no-layers.tar");
        try (OutputStream out = Files.newOutputStream(file)) {
            TarWriter tar = new TarWriter(out);
            ArchiveEntries.file(tar, "manifest.json", "[{\"Config\":\"c.json\"}]".getBytes(UTF_8));
            ArchiveEntries.file(tar, "c.json", "{}".getBytes(UTF_8));
            tar.finish();
        }
        assertThatThrownBy(() -> new DockerArchive(file, null).read())
                .isInstanceOf(OciException.class)
                .hasMessage("docker archive " + file + ": a manifest.json entry has no Layers");
    }

    @Test
    void dockerArchiveHoldsOnePlatform() {
        OciImageSet set = twoPlatforms();
        Path file = tmp.resolve("d.tar");
        assertThatThrownBy(() -> new DockerArchive(file, null).write(set, "x")).hasMessageContaining("one platform");
        new DockerArchive(file, Platform.parse("amd64")).write(set, "kiln/hello");
        List<DockerArchive.Loaded> loaded = new DockerArchive(file, null).read();
        assertThat(loaded).hasSize(1);
        assertThat(loaded.get(0).repoTags()).containsExactly("kiln/hello:latest");
        OciImage image = loaded.get(0).image();
        assertThat(image.config().bytes())
                .isEqualTo(set.image(Platform.parse("amd64")).config().bytes());
        assertThat(image.layers().get(0).bytes()).isEqualTo("amd64 layer".getBytes(UTF_8));
    }
}
