package dev.kiln.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.content.Gzip;
import dev.kiln.content.TarHeader;
import dev.kiln.content.TarType;
import dev.kiln.content.TarWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LayerStackTest {
    @Test
    void aWhiteoutRemovesTheNameAndEverythingUnderItFromTheLayersBelowOnly() throws IOException {
        byte[] lower = layer(
                file("etc/os-release", "ID=kiln"),
                dir("opt/app"),
                file("opt/app/bin/tool", "x"),
                file("usr/share/gone.txt", "x"));
        // the upper layer whites out a directory and a file, and brings back a file of the same name in the same
        // layer: the whiteout hides only the lower layer's
        byte[] upper =
                layer(file("opt/.wh.app", ""), file("usr/share/.wh.gone.txt", ""), file("usr/share/gone.txt", "new"));
        Map<String, LayerStack.Entry> tree = LayerStack.flatten(sources(lower, Gzip.compress(upper, 6)));
        assertThat(tree.keySet()).containsExactly("etc/os-release", "usr/share/gone.txt");
        assertThat(new String(tree.get("usr/share/gone.txt").content(), StandardCharsets.UTF_8))
                .isEqualTo("new");
    }

    @Test
    void anOpaqueWhiteoutHidesTheLowerContentsOfItsDirectoryButNotItsOwnLayers() throws IOException {
        byte[] lower = layer(
                dir("opt/app"), file("opt/app/a.txt", "a"), file("opt/app/sub/b.txt", "b"), file("opt/keep", "k"));
        byte[] upper = layer(file("opt/app/c.txt", "c"), file("opt/app/.wh..wh..opq", ""));
        Map<String, LayerStack.Entry> tree = LayerStack.flatten(sources(lower, upper));
        assertThat(tree.keySet()).containsExactly("opt/app", "opt/app/c.txt", "opt/keep");
    }

    @Test
    void aHardLinkSharesItsTargetAndAFileReplacingADirectoryTakesItsContents() throws IOException {
        byte[] lower = layer(file("usr/bin/a", "tool"), dir("var/lib"), file("var/lib/x", "x"));
        byte[] upper = layer(
                new Item(
                        new TarHeader(
                                "usr/bin/b", TarType.HARDLINK, 0755, 0, 0, "", "", 0, 0, "usr/bin/a", 0, 0, Map.of()),
                        new byte[0]),
                file("var/lib", "now a file"));
        Map<String, LayerStack.Entry> tree = LayerStack.flatten(sources(lower, upper));
        LayerStack.Entry link = tree.get("usr/bin/b");
        assertThat(link.linkTarget()).isSameAs(tree.get("usr/bin/a"));
        assertThat(link.content()).isEqualTo("tool".getBytes(StandardCharsets.UTF_8));
        assertThat(tree.keySet()).containsExactly("usr/bin/a", "usr/bin/b", "var/lib");
    }

    @Test
    void onlyTheContentsTheCallerKeepsAreHeldAndACorruptLayerIsNamed() throws IOException {
        byte[] only = layer(file("big.bin", "0123456789"), file("etc/passwd", "root"));
        Map<String, LayerStack.Entry> tree = LayerStack.flatten(sources(only), (h, path) -> path.startsWith("etc/"));
        assertThat(tree.get("big.bin").content()).isNull();
        assertThat(tree.get("big.bin").header().size()).isEqualTo(10);
        assertThat(tree.get("etc/passwd").content()).isNotNull();

        byte[] corrupt = only.clone();
        corrupt[100] ^= 0x55; // inside the first header: its checksum no longer matches
        LayerStack.Source named = new LayerStack.Source() {
            @Override
            public java.io.InputStream open() {
                return new ByteArrayInputStream(corrupt);
            }

            @Override
            public String describe() {
                return "sha256:abc";
            }
        };
        assertThatThrownBy(() -> LayerStack.flatten(List.of(sources(only).get(0), named)))
                .isInstanceOf(OciException.class)
                .hasMessageStartingWith("layer 2 of 2 (sha256:abc) is corrupt or unreadable: ");
    }

    @Test
    void entryNamesAreImagePathsThatNeverClimbAboveTheRoot() {
        assertThat(LayerStack.normalize("./usr//bin/")).isEqualTo("usr/bin");
        assertThat(LayerStack.normalize("/../../etc/passwd")).isEqualTo("etc/passwd");
        assertThat(LayerStack.normalize("a/b/../c")).isEqualTo("a/c");
        assertThat(LayerStack.normalize(".")).isEmpty();
    }

    @SuppressWarnings("ArrayRecordComponent") // test input, written once and never compared
    private record Item(TarHeader header, byte[] content) {}

    private static Item file(String name, String content) {
        byte[] c = content.getBytes(StandardCharsets.UTF_8);
        return new Item(TarHeader.of(name, TarType.FILE, 0644, c.length, 0), c);
    }

    private static Item dir(String name) {
        return new Item(TarHeader.of(name, TarType.DIRECTORY, 0755, 0, 0), new byte[0]);
    }

    private static byte[] layer(Item... items) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter w = new TarWriter(out);
        for (Item i : items) {
            w.write(i.header(), i.content());
        }
        w.finish();
        return out.toByteArray();
    }

    private static List<LayerStack.Source> sources(byte[]... layers) {
        return java.util.Arrays.stream(layers)
                .map(l -> (LayerStack.Source) () -> new ByteArrayInputStream(l))
                .toList();
    }
}
