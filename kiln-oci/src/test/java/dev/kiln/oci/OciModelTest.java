package dev.kiln.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.content.Digest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OciModelTest {
    static final byte[] LAYER = "not really a layer".getBytes(StandardCharsets.UTF_8);

    static ImageConfig config(String arch, String variant) {
        return new ImageConfig(
                "1970-01-01T00:00:00Z",
                "kiln",
                arch,
                "linux",
                variant,
                new ImageConfig.Runtime(
                        "65532",
                        null,
                        List.of("PATH=/usr/bin"),
                        List.of("/usr/bin/hello"),
                        null,
                        List.of("/data"),
                        "/",
                        Map.of("b", "2", "a", "1"),
                        null),
                List.of(Digest.sha256(LAYER)),
                List.of(new ImageConfig.History("1970-01-01T00:00:00Z", "kiln", "kiln", "single layer", false)));
    }

    @Test
    void configJsonIsCanonicalAndRoundTrips() {
        ImageConfig c = config("amd64", null);
        String json = new String(c.toJson(), StandardCharsets.UTF_8);
        assertThat(json)
                .isEqualTo("{\"created\":\"1970-01-01T00:00:00Z\",\"author\":\"kiln\",\"architecture\":\"amd64\","
                        + "\"os\":\"linux\",\"config\":{\"User\":\"65532\",\"Env\":[\"PATH=/usr/bin\"],"
                        + "\"Entrypoint\":[\"/usr/bin/hello\"],\"Volumes\":{\"/data\":{}},\"WorkingDir\":\"/\","
                        + "\"Labels\":{\"a\":\"1\",\"b\":\"2\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                        + Digest.sha256(LAYER)
                        + "\"]},\"history\":[{\"created\":\"1970-01-01T00:00:00Z\",\"author\":\"kiln\","
                        + "\"created_by\":\"kiln\",\"comment\":\"single layer\"}]}");
        assertThat(ImageConfig.parse(c.toJson())).isEqualTo(c);
    }

    @Test
    void manifestAndIndexRoundTrip() {
        ImageConfig c = config("arm64", "v8");
        Descriptor layer = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, LAYER);
        Manifest m = Manifest.of(c.descriptor(), List.of(layer), Map.of("org.opencontainers.image.created", "x"));
        assertThat(Manifest.parse(m.toJson())).isEqualTo(m);
        assertThat(new String(m.toJson(), StandardCharsets.UTF_8))
                .startsWith(
                        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{");
        ImageIndex idx = ImageIndex.of(List.of(m.descriptor().withPlatform(c.platform())), Map.of("k", "v"));
        ImageIndex back = ImageIndex.parse(idx.toJson());
        assertThat(back).isEqualTo(idx);
        assertThat(back.manifests().get(0).platform()).hasToString("linux/arm64/v8");
        assertThat(idx.descriptor().digest()).isEqualTo(Digest.sha256(idx.toJson()));
    }

    @Test
    void badJsonNamesTheField() {
        assertThatThrownBy(() ->
                        Manifest.parse("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"size\":1},\"layers\":[]}"
                                .getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("manifest config: field 'digest'");
        assertThatThrownBy(() -> ImageConfig.parse("{\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("image config: field 'rootfs'");
        assertThatThrownBy(() -> ImageIndex.parse("[]".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("expected a JSON object");
    }
}
