package dev.kiln.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarTest {
    @TempDir
    Path tmp;

    @Test
    void writeReadRoundTripWithPaxLongNamesAndLinks() throws Exception {
        String longName = "usr/share/" + "very-long-directory-name/".repeat(6) + "file.txt";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter tar = new TarWriter(out);
        tar.writeHeader(TarHeader.of("usr/", TarType.DIRECTORY, 0755, 0, 42));
        byte[] content = "hello\n".getBytes(StandardCharsets.UTF_8);
        tar.write(
                new TarHeader(
                        longName,
                        TarType.FILE,
                        0644,
                        1000,
                        1000,
                        "build",
                        "build",
                        content.length,
                        42,
                        "",
                        0,
                        0,
                        Map.of(
                                "APK-TOOLS.checksum.SHA1",
                                Hashing.sha1Hex(content).getBytes(StandardCharsets.US_ASCII),
                                "SCHILY.xattr.user.bin",
                                new byte[] {0, (byte) 0xff, '\n', '='})),
                content);
        tar.writeHeader(new TarHeader(
                "usr/link", TarType.SYMLINK, 0777, 0, 0, "root", "root", 0, 42, longName, 0, 0, Map.of()));
        tar.writeHeader(
                new TarHeader("dev/null", TarType.CHAR_DEVICE, 0666, 0, 0, "root", "root", 0, 42, "", 1, 3, Map.of()));
        tar.finish();
        assertThat(out.size() % 512).isZero();

        TarReader reader = new TarReader(new ByteArrayInputStream(out.toByteArray()));
        TarHeader dir = reader.next();
        assertThat(dir.name()).isEqualTo("usr/");
        assertThat(dir.type()).isEqualTo(TarType.DIRECTORY);
        TarHeader file = reader.next();
        assertThat(file.name()).isEqualTo(longName);
        assertThat(file.uid()).isEqualTo(1000);
        assertThat(file.userName()).isEqualTo("build");
        assertThat(file.mtime()).isEqualTo(42);
        assertThat(file.paxRecords()).containsOnlyKeys("APK-TOOLS.checksum.SHA1", "SCHILY.xattr.user.bin");
        assertThat(file.paxRecords().get("SCHILY.xattr.user.bin")).containsExactly(0, 0xff, '\n', '=');
        assertThat(reader.readContent()).isEqualTo(content);
        TarHeader link = reader.next();
        assertThat(link.linkName()).isEqualTo(longName);
        TarHeader dev = reader.next();
        assertThat(dev.devMajor()).isEqualTo(1);
        assertThat(dev.devMinor()).isEqualTo(3);
        assertThat(reader.next()).isNull();

        Path archive = tmp.resolve("a.tar");
        Files.write(archive, out.toByteArray());
        Process p = new ProcessBuilder("tar", "-tvf", archive.toString())
                .redirectErrorStream(true)
                .start();
        String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(listing).isZero();
        assertThat(listing).contains(longName).contains("build/build").doesNotContain("PaxHeaders");
    }

    @Test
    void readsStreamsWithoutEndOfArchive() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter tar = new TarWriter(out);
        tar.write(TarHeader.of(".PKGINFO", TarType.FILE, 0644, 3, 0), new byte[] {'a', 'b', 'c'});
        TarReader reader = new TarReader(new ByteArrayInputStream(out.toByteArray()));
        assertThat(reader.next().name()).isEqualTo(".PKGINFO");
        assertThat(reader.next()).isNull(); // content skipped, then clean end of stream
    }

    @Test
    void readsGnuTarOutput() throws Exception {
        Path src = tmp.resolve("src");
        Files.createDirectories(src.resolve("d"));
        String name = "n".repeat(150);
        Files.writeString(src.resolve("d").resolve(name), "x");
        Path archive = tmp.resolve("gnu.tar");
        Process p = new ProcessBuilder("tar", "--format=gnu", "-cf", archive.toString(), "-C", src.toString(), "d")
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor()).isZero();
        try (var in = Files.newInputStream(archive)) {
            TarReader reader = new TarReader(in);
            assertThat(reader.next().name()).isEqualTo("d/");
            TarHeader f = reader.next();
            assertThat(f.name()).isEqualTo("d/" + name);
            assertThat(new String(reader.readContent(), StandardCharsets.UTF_8)).isEqualTo("x");
            assertThat(reader.next()).isNull();
        }
    }
}
