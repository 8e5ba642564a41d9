package dev.kiln.vuln.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.content.TarHeader;
import dev.kiln.content.TarType;
import dev.kiln.content.TarWriter;
import dev.kiln.oci.LayerStack;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootfsTest {
    @Test
    void layersKeepOnlyWhatTheScanReadsAndAHardLinkIsItsTarget() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter w = new TarWriter(out);
        w.write(TarHeader.of("usr/bin/a", TarType.FILE, 0755, 4, 0), bytes("tool"));
        w.write(
                new TarHeader("usr/bin/b", TarType.HARDLINK, 0755, 0, 0, "", "", 0, 0, "usr/bin/a", 0, 0, Map.of()),
                new byte[0]);
        w.write(TarHeader.of("big.bin", TarType.FILE, 0644, 10, 0), bytes("0123456789"));
        w.write(
                new TarHeader("etc/up", TarType.SYMLINK, 0777, 0, 0, "", "", 0, 0, "../../../usr/bin", 0, 0, Map.of()),
                new byte[0]);
        w.write(
                new TarHeader("etc/loop", TarType.SYMLINK, 0777, 0, 0, "", "", 0, 0, "/etc/loop", 0, 0, Map.of()),
                new byte[0]);
        w.finish();
        byte[] layer = out.toByteArray();
        Rootfs fs = Rootfs.ofLayers(
                List.<LayerStack.Source>of(() -> new ByteArrayInputStream(layer)),
                (h, path) -> path.startsWith("usr/"));

        assertThat(fs.files()).containsExactly("big.bin", "usr/bin/a", "usr/bin/b");
        assertThat(fs.totalSize()).isEqualTo(14); // the hard link counts once
        assertThat(fs.read("usr/bin/b")).hasValue(bytes("tool"));
        assertThat(fs.read("big.bin")).isEmpty(); // not kept, yet sized
        assertThat(fs.size("big.bin")).isEqualTo(10);
        assertThat(fs.resolve("etc/up/b")).hasValue("usr/bin/b");
        assertThat(fs.isExecutable("etc/up/a")).isTrue();
        assertThat(fs.exists("etc/loop")).isFalse();
    }

    @Test
    void aDirectoryIsReadWhenAskedAndItsLinksStayInside(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("etc"));
        Files.writeString(dir.resolve("etc/os-release"), "ID=one\n");
        Files.createSymbolicLink(dir.resolve("etc/passwd"), Path.of("/etc/passwd"));
        Rootfs fs = Rootfs.ofDirectory(dir);
        Files.writeString(dir.resolve("etc/os-release"), "ID=two\n");

        assertThat(fs.read("etc/os-release")).hasValue(bytes("ID=two\n")); // read now, not held since the walk
        assertThat(fs.exists("etc/passwd")).isFalse(); // the host's /etc/passwd is not the image's
        assertThat(fs.files()).containsExactly("etc/os-release");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
