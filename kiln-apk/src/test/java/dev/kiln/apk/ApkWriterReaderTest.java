package dev.kiln.apk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.content.GzipMemberReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApkWriterReaderTest {
    @TempDir
    Path tmp;

    private WrittenApk writeHello(Path out) throws IOException {
        Path tree = Files.exists(tmp.resolve("tree")) ? tmp.resolve("tree") : Fixtures.tree(tmp.resolve("tree"));
        return new ApkWriter().write(Fixtures.input(tree, "hello", "2.10-r0"), Fixtures.testKey(), out);
    }

    @Test
    void roundTripPreservesEverything() throws IOException {
        WrittenApk written = writeHello(tmp.resolve("out/hello-2.10-r0.apk"));
        ApkPackage pkg = ApkReader.read(written.file());
        pkg.verify(Fixtures.trusted());

        assertThat(pkg.pkgInfo()).isEqualTo(written.pkgInfo());
        assertThat(pkg.identity())
                .isEqualTo(written.identity())
                .startsWith("Q1")
                .hasSize(30);
        assertThat(pkg.fileSize()).isEqualTo(written.fileSize()).isEqualTo(Files.size(written.file()));
        assertThat(pkg.sha256()).isEqualTo(written.sha256());
        assertThat(written.pkgInfo().size()).isEqualTo(21L + 18000 + 17 + 6); // hard link counted once
        assertThat(written.pkgInfo().datahash()).hasSize(64);
        assertThat(pkg.signatures()).singleElement().satisfies(s -> {
            assertThat(s.algorithm()).isEqualTo("RSA256");
            assertThat(s.keyName()).isEqualTo("kiln-test.rsa.pub");
        });
        assertThat(pkg.controlFiles().keySet()).containsExactly(".PKGINFO", ".melange.yaml", ".post-install");

        Map<String, ApkEntry> byPath = pkg.entries().stream().collect(Collectors.toMap(ApkEntry::path, e -> e));
        assertThat(pkg.entries())
                .extracting(ApkEntry::path)
                .containsExactly(
                        "etc",
                        "etc/hello.conf",
                        "usr",
                        "usr/bin",
                        "usr/bin/hello",
                        "usr/bin/hi",
                        "usr/bin/setuid-tool",
                        "usr/lib",
                        "usr/lib/libhello-link.so.1",
                        "usr/lib/libhello.so.1",
                        "usr/share",
                        "usr/share/empty");
        assertThat(pkg.entries()).allSatisfy(e -> {
            assertThat(e.uid()).isZero();
            assertThat(e.gid()).isZero();
        });
        assertThat(byPath.get("usr/bin/hello").mode()).isEqualTo(0755);
        assertThat(byPath.get("usr/bin/setuid-tool").mode()).isEqualTo(04755);
        assertThat(byPath.get("usr/share/empty").type()).isEqualTo(ApkEntry.Type.DIRECTORY);
        assertThat(byPath.get("usr/share/empty").mode()).isEqualTo(0750);
        assertThat(byPath.get("usr/bin/hi").type()).isEqualTo(ApkEntry.Type.SYMLINK);
        assertThat(byPath.get("usr/bin/hi").linkTarget()).isEqualTo("hello");
        assertThat(byPath.get("usr/bin/hi").sha1Checksum()).isNotNull();
        // lexically first name of the inode holds the content; the other is a link to it
        assertThat(byPath.get("usr/lib/libhello-link.so.1").type()).isEqualTo(ApkEntry.Type.FILE);
        assertThat(byPath.get("usr/lib/libhello.so.1").type()).isEqualTo(ApkEntry.Type.HARDLINK);
        assertThat(byPath.get("usr/lib/libhello.so.1").linkTarget()).isEqualTo("usr/lib/libhello-link.so.1");
        assertThat(byPath.get("etc/hello.conf").xattrs()).containsOnlyKeys("user.kiln.note");
        assertThat(new String(byPath.get("etc/hello.conf").xattrs().get("user.kiln.note"), StandardCharsets.UTF_8))
                .isEqualTo("kept");
        assertThat(byPath.get("etc/hello.conf").sha1Checksum())
                .isEqualTo(dev.kiln.content.Hashing.sha1Hex("greeting = hello\n".getBytes(StandardCharsets.UTF_8)));

        assertThat(pkg.readFile("usr/bin/hello"))
                .hasValueSatisfying(
                        b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("#!/bin/sh\necho hello\n"));
        assertThat(pkg.readFile("/usr/lib/libhello.so.1".substring(1)))
                .hasValueSatisfying(b -> assertThat(b).hasSize(18000));
        assertThat(pkg.readFile("usr/bin/missing")).isEmpty();
    }

    @Test
    void controlFilesAloneAreTheSameAsAFullRead() throws IOException {
        WrittenApk written = writeHello(tmp.resolve("control/hello-2.10-r0.apk"));
        java.util.Map<String, byte[]> control = ApkReader.controlFiles(written.file());
        java.util.Map<String, byte[]> full = ApkReader.read(written.file()).controlFiles();
        assertThat(control.keySet()).isEqualTo(full.keySet()).contains(".PKGINFO");
        control.forEach((name, bytes) -> assertThat(bytes).as(name).isEqualTo(full.get(name)));
    }

    @Test
    void pkginfoIsRenderedInMelangeOrder() throws IOException {
        WrittenApk written = writeHello(tmp.resolve("hello.apk"));
        String text = new String(ApkReader.read(written.file()).controlFiles().get(".PKGINFO"), StandardCharsets.UTF_8);
        assertThat(text).isEqualTo("""
                # Generated by kiln
                pkgname = hello
                pkgver = 2.10-r0
                arch = x86_64
                size = 18044
                origin = hello
                pkgdesc = a test package
                url = https://example.org/hello
                commit = 0123456789abcdef0123456789abcdef01234567
                license = Apache-2.0 AND MIT
                depend = so:libc.so.6
                depend = busybox>=1.36
                provides = cmd:hello=2.10-r0
                datahash = %s
                """.formatted(written.pkgInfo().datahash()));
    }

    /** Pins the bytes: a change here means every published package would change. Depends on the JDK's zlib. */
    @Test
    void reproducibleAndGolden() throws IOException {
        WrittenApk a = writeHello(tmp.resolve("a/hello.apk"));
        WrittenApk b = writeHello(tmp.resolve("b/hello.apk"));
        assertThat(b.sha256()).isEqualTo(a.sha256());
        assertThat(Files.readAllBytes(b.file())).isEqualTo(Files.readAllBytes(a.file()));
        assertThat(a.identity()).isEqualTo(GOLDEN_IDENTITY);
        assertThat(a.sha256().toString()).isEqualTo(GOLDEN_SHA256);
    }

    static final String GOLDEN_IDENTITY = "Q1JxY9Is4C00Sm7b6A6PPl6yYicrA=";
    static final String GOLDEN_SHA256 = "sha256:186a48ca9b5c4be49bdfd1993cc8a43541c8f057460dd2d16aaebde131e408df";

    @Test
    void flippedDataByteIsADatahashError() throws IOException {
        WrittenApk written = writeHello(tmp.resolve("hello.apk"));
        byte[] bytes = Files.readAllBytes(written.file());
        long dataStart = memberOffsets(written.file()).get(2);
        int at = (int) (dataStart + (bytes.length - dataStart) / 2);
        bytes[at] ^= 0x01;
        Path bad = tmp.resolve("bad.apk");
        Files.write(bad, bytes);
        ApkPackage pkg = ApkReader.read(bad);
        assertThatThrownBy(() -> pkg.verify(Fixtures.trusted()))
                .isInstanceOf(ApkException.class)
                .hasMessageContaining("datahash mismatch")
                .hasMessageContaining(written.pkgInfo().datahash());
    }

    @Test
    void flippedControlByteIsASignatureError() throws IOException {
        WrittenApk written = writeHello(tmp.resolve("hello.apk"));
        byte[] bytes = Files.readAllBytes(written.file());
        List<Long> offsets = memberOffsets(written.file());
        bytes[(int) (offsets.get(1) + 5)] ^= 0x01; // header mtime: still decodes, but the signed bytes differ
        Path bad = tmp.resolve("bad.apk");
        Files.write(bad, bytes);
        assertThatThrownBy(() -> ApkReader.read(bad).verify(Fixtures.trusted()))
                .isInstanceOf(ApkException.class)
                .hasMessageContaining("bad signature")
                .hasMessageContaining("kiln-test.rsa.pub");
    }

    /** A correctly signed package whose data holds a file with a wrong PAX checksum. */
    @Test
    void wrongFileChecksumIsNamed() throws IOException {
        java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
        try (java.io.OutputStream gz = dev.kiln.content.Gzip.compressing(data, 6)) {
            dev.kiln.content.TarWriter tar = new dev.kiln.content.TarWriter(gz);
            byte[] content = "real content".getBytes(StandardCharsets.UTF_8);
            tar.write(
                    new dev.kiln.content.TarHeader(
                            "etc/motd",
                            dev.kiln.content.TarType.FILE,
                            0644,
                            0,
                            0,
                            "root",
                            "root",
                            content.length,
                            0,
                            "",
                            0,
                            0,
                            Map.of(
                                    "APK-TOOLS.checksum.SHA1",
                                    dev.kiln.content.Hashing.sha1Hex("other".getBytes(StandardCharsets.UTF_8))
                                            .getBytes(StandardCharsets.US_ASCII))),
                    content);
            tar.finish();
        }
        PkgInfo info = Fixtures.info("motd", "1-r0").toBuilder()
                .size(12)
                .datahash(dev.kiln.content.Hashing.sha256Hex(data.toByteArray()))
                .build();
        byte[] control = dev.kiln.apk.internal.Streams.tarGz(
                Map.of(".PKGINFO", info.render().getBytes(StandardCharsets.UTF_8)), Map.of(), 0, false, 6);
        byte[] sig = dev.kiln.apk.internal.Streams.signatureStream(Fixtures.testKey(), control, 0, 6);
        Path apk = tmp.resolve("motd.apk");
        Files.write(apk, sig);
        Files.write(apk, control, java.nio.file.StandardOpenOption.APPEND);
        Files.write(apk, data.toByteArray(), java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> ApkReader.read(apk).verify(Fixtures.trusted()))
                .isInstanceOf(ApkException.class)
                .hasMessageContaining("file etc/motd")
                .hasMessageContaining(dev.kiln.content.Hashing.sha1Hex("other".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining(
                        dev.kiln.content.Hashing.sha1Hex("real content".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void trailingBytesAreAFormatError() throws IOException {
        WrittenApk written = writeHello(tmp.resolve("hello.apk"));
        Path bad = tmp.resolve("bad.apk");
        Files.write(bad, Files.readAllBytes(written.file()));
        Files.write(bad, dev.kiln.content.Gzip.compress(new byte[1024], 6), java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> ApkReader.read(bad))
                .isInstanceOf(ApkException.class)
                .hasMessageContaining("after the data stream");
    }

    @Test
    void wrongKeyIsRejected() throws IOException {
        WrittenApk written = writeHello(tmp.resolve("hello.apk"));
        ApkSigningKey other = ApkSigningKey.load(Fixtures.KEYS.resolve("other-pkcs8.rsa"));
        ApkPackage pkg = ApkReader.read(written.file());
        assertThatThrownBy(() -> pkg.verify(TrustedKeys.of(Map.of("kiln-test.rsa.pub", other.publicKey()))))
                .isInstanceOf(ApkException.class)
                .hasMessageContaining("bad signature");
        assertThatThrownBy(() -> pkg.verify(TrustedKeys.of(other)))
                .isInstanceOf(ApkException.class)
                .hasMessageContaining("no RSA256/RSA512 signature from a trusted key")
                .hasMessageContaining("other-pkcs8.rsa.pub");
    }

    @Test
    void controlFileNamesAreChecked() throws IOException {
        Path tree = Fixtures.tree(tmp.resolve("tree"));
        ApkInput input = new ApkInput(Fixtures.info("x", "1-r0"), tree, Map.of("evil/.x", new byte[0]), Map.of(), 0);
        assertThatThrownBy(() -> new ApkWriter().write(input, Fixtures.testKey(), tmp.resolve("x.apk")))
                .isInstanceOf(ApkException.class)
                .hasMessageContaining("evil/.x");
        ApkInput xattrTypo = new ApkInput(
                Fixtures.info("x", "1-r0"), tree, Map.of(), Map.of("etc/nope", Map.of("user.a", new byte[] {1})), 0);
        assertThatThrownBy(() -> new ApkWriter().write(xattrTypo, Fixtures.testKey(), tmp.resolve("x.apk")))
                .isInstanceOf(ApkException.class)
                .hasMessageContaining("etc/nope");
        assertThat(tmp.resolve("x.apk")).doesNotExist();
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("tree");
        }
    }

    @Test
    void gnuTarListsTheConcatenatedStreams() throws Exception {
        WrittenApk written = writeHello(tmp.resolve("hello.apk"));
        Process p = new ProcessBuilder("tar", "-tzvf", written.file().toString())
                .redirectErrorStream(true)
                .start();
        String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(listing).isZero();
        assertThat(listing)
                .contains(
                        ".SIGN.RSA256.kiln-test.rsa.pub",
                        ".PKGINFO",
                        ".melange.yaml",
                        "usr/bin/hi -> hello",
                        "usr/lib/libhello.so.1 link to usr/lib/libhello-link.so.1",
                        "root/root");
        assertThat(listing).doesNotContain("PaxHeaders");
    }

    static List<Long> memberOffsets(Path apk) throws IOException {
        try (InputStream in = Files.newInputStream(apk);
                GzipMemberReader r = new GzipMemberReader(in)) {
            List<Long> offsets = new java.util.ArrayList<>();
            while (r.hasNextMember()) {
                offsets.add(r.offset());
                r.nextMember(null).transferTo(java.io.OutputStream.nullOutputStream());
            }
            return offsets;
        }
    }
}
