package dev.kiln.apk;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApkIndexTest {
    @TempDir
    Path tmp;

    static final IndexEntry LIBCRYPTO = new IndexEntry(
            "Q1mVb5k0n2i1uL5Zb1o3vR8C8o0zA=",
            "libcrypto3",
            "3.1.2-r0",
            "x86_64",
            1830420,
            4546560,
            "OpenSSL libcrypto library",
            "https://www.openssl.org/",
            "Apache-2.0",
            "openssl",
            "wolfi",
            1690000000,
            "0123456789abcdef0123456789abcdef01234567",
            null,
            List.of("so:libc.so.6"),
            List.of("so:libcrypto.so.3=3"),
            List.of());
    static final IndexEntry BUSYBOX_OLD = new IndexEntry(
            "Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "busybox",
            "1.36.1-r9",
            "",
            100,
            200,
            "busybox",
            "",
            "GPL-2.0-only",
            null,
            null,
            0,
            null,
            10,
            List.of(),
            List.of(),
            List.of());
    static final IndexEntry BUSYBOX_NEW = new IndexEntry(
            "Q1BBBBBBBBBBBBBBBBBBBBBBBBBBB=",
            "busybox",
            "1.36.1-r10",
            "x86_64",
            100,
            200,
            "busybox",
            "",
            "GPL-2.0-only",
            "",
            "",
            0,
            "",
            null,
            List.of("!toybox"),
            List.of("cmd:sh"),
            List.of("a", "b=1"));

    static final String GOLDEN = """
            C:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=
            P:busybox
            V:1.36.1-r9
            S:100
            I:200
            T:busybox
            U:
            L:GPL-2.0-only
            k:10

            C:Q1BBBBBBBBBBBBBBBBBBBBBBBBBBB=
            P:busybox
            V:1.36.1-r10
            A:x86_64
            S:100
            I:200
            T:busybox
            U:
            L:GPL-2.0-only
            D:!toybox
            p:cmd:sh
            i:a b=1

            C:Q1mVb5k0n2i1uL5Zb1o3vR8C8o0zA=
            P:libcrypto3
            V:3.1.2-r0
            A:x86_64
            S:1830420
            I:4546560
            T:OpenSSL libcrypto library
            U:https://www.openssl.org/
            L:Apache-2.0
            o:openssl
            m:wolfi
            t:1690000000
            c:0123456789abcdef0123456789abcdef01234567
            D:so:libc.so.6
            p:so:libcrypto.so.3=3

            """;

    @Test
    void rendersInApkToolsOrderSortedByNameThenVersion() {
        ApkIndex index = ApkIndex.of(List.of(LIBCRYPTO, BUSYBOX_NEW, BUSYBOX_OLD));
        assertThat(index.renderText()).isEqualTo(GOLDEN);
        ApkIndex parsed = ApkIndex.parseText(GOLDEN);
        assertThat(parsed.renderText()).isEqualTo(GOLDEN);
        assertThat(parsed.entries().get(2)).isEqualTo(LIBCRYPTO);
    }

    @Test
    void recordWithoutRequiredFieldNamesItsLine() {
        assertThatThrownBy(() -> ApkIndex.parseText("C:Q1x=\nP:a\nV:1-r0\n\nP:b\nV:2-r0\n"))
                .isInstanceOf(ApkException.class)
                .hasMessageContaining("record at line 5")
                .hasMessageContaining("C:'null' P:'b' V:'2-r0'");
    }

    @Test
    void parseIgnoresUnknownFields() {
        ApkIndex parsed = ApkIndex.parseText("C:Q1x=\nP:a\nV:1-r0\nz:whatever\nS:1\nI:2\n");
        assertThat(parsed.entries()).singleElement().satisfies(e -> {
            assertThat(e.name()).isEqualTo("a");
            assertThat(e.installedSize()).isEqualTo(2);
        });
        assertThatThrownBy(() -> ApkIndex.parseText("C:Q1x=\nP:a\nV:1\nS:many\n"))
                .isInstanceOf(ApkException.class)
                .hasMessageContaining("line 4");
    }

    @Test
    void writeReadVerifyRoundTripIsReproducible() throws Exception {
        ApkIndex index = ApkIndex.of(List.of(LIBCRYPTO, BUSYBOX_NEW, BUSYBOX_OLD));
        Path a = tmp.resolve("a/APKINDEX.tar.gz");
        Path b = tmp.resolve("b/APKINDEX.tar.gz");
        index.write(a, Fixtures.testKey(), "test repo", Fixtures.SDE);
        index.write(b, Fixtures.testKey(), "test repo", Fixtures.SDE);
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));

        ApkIndex read = ApkIndex.read(a, Fixtures.trusted());
        assertThat(read.renderText()).isEqualTo(GOLDEN);
        assertThat(read.description()).isEqualTo("test repo");
        assertThat(read).isEqualTo(index);

        Process p = new ProcessBuilder("tar", "-tzvf", a.toString())
                .redirectErrorStream(true)
                .start();
        String listing = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertThat(p.waitFor()).as(listing).isZero();
        assertThat(listing.lines().map(l -> l.substring(l.lastIndexOf(' ') + 1)))
                .containsExactly(".SIGN.RSA256.kiln-test.rsa.pub", "APKINDEX", "DESCRIPTION");
        assertThat(listing).contains("-rw-r--r-- root/root").contains("2023-11-14");
    }

    @Test
    void verificationFailsForOtherKeysAndTampering() throws Exception {
        Path file = tmp.resolve("APKINDEX.tar.gz");
        ApkIndex.of(List.of(LIBCRYPTO)).write(file, Fixtures.testKey(), "d", 0);
        ApkSigningKey other = ApkSigningKey.load(Fixtures.KEYS.resolve("other-pkcs8.rsa"));
        assertThatThrownBy(() -> ApkIndex.read(file, TrustedKeys.of(other)))
                .isInstanceOf(ApkException.class)
                .hasMessageContaining("no RSA256/RSA512 signature from a trusted key");
        assertThat(ApkIndex.readUnverified(file).entries()).containsExactly(LIBCRYPTO);
        // skipping the check is a named choice: no keys is no longer a silent "don't verify"
        assertThatThrownBy(() -> ApkIndex.read(file, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("readUnverified");

        byte[] bytes = Files.readAllBytes(file);
        List<Long> offsets = ApkWriterReaderTest.memberOffsets(file);
        bytes[(int) (offsets.get(1) + 5)] ^= 1; // gzip header mtime of the index stream
        Files.write(file, bytes);
        assertThatThrownBy(() -> ApkIndex.read(file, Fixtures.trusted()))
                .isInstanceOf(ApkException.class)
                .hasMessageContaining("bad signature");
    }

    @Test
    void entryFromWrittenPackage() throws Exception {
        Path tree = Fixtures.tree(tmp.resolve("tree"));
        WrittenApk apk = new ApkWriter()
                .write(Fixtures.input(tree, "hello", "1.0-r0"), Fixtures.testKey(), tmp.resolve("hello-1.0-r0.apk"));
        IndexEntry e = IndexEntry.of(apk);
        assertThat(e.checksum()).isEqualTo(apk.identity());
        assertThat(e.size()).isEqualTo(Files.size(apk.file()));
        assertThat(e.installedSize()).isEqualTo(apk.pkgInfo().size());
        assertThat(e.depends()).containsExactly("so:libc.so.6", "busybox>=1.36");
        assertThat(IndexEntry.of(ApkReader.read(apk.file()), apk.fileSize())).isEqualTo(e);
    }
}
