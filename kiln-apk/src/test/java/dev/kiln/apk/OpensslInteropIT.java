package dev.kiln.apk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenSSL, the tool apk-tools' signatures are made with, verifies the signature Kiln writes. No
 * {@code Tools.require} guard: kiln-testkit depends on this module, so a missing openssl fails the test.
 */
class OpensslInteropIT {
    @TempDir
    Path tmp;

    @Test
    void opensslVerifiesTheSignature() throws Exception {
        WrittenApk written = new ApkWriter()
                .write(
                        Fixtures.input(Fixtures.tree(tmp.resolve("tree")), "hello", "2.10-r0"),
                        Fixtures.testKey(),
                        tmp.resolve("hello.apk"));
        byte[] bytes = Files.readAllBytes(written.file());
        List<Long> offsets = ApkWriterReaderTest.memberOffsets(written.file());
        Path control = tmp.resolve("control.gz");
        Files.write(
                control,
                java.util.Arrays.copyOfRange(
                        bytes, offsets.get(1).intValue(), offsets.get(2).intValue()));
        Path sig = tmp.resolve("sig");
        Files.write(sig, ApkReader.read(written.file()).signatures().get(0).signature());
        Process p = new ProcessBuilder(
                        "openssl",
                        "dgst",
                        "-sha256",
                        "-verify",
                        Fixtures.KEYS.resolve("kiln-test.rsa.pub").toString(),
                        "-signature",
                        sig.toString(),
                        control.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).contains("Verified OK");
    }
}
