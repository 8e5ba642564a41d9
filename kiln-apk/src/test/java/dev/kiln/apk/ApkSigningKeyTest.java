package dev.kiln.apk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApkSigningKeyTest {
    @TempDir
    Path tmp;

    @Test
    void loadsPkcs1AndPkcs8AndNamesByFile() {
        ApkSigningKey pkcs1 = Fixtures.testKey();
        assertThat(pkcs1.keyName()).isEqualTo("kiln-test.rsa");
        assertThat(pkcs1.publicKeyName()).isEqualTo("kiln-test.rsa.pub");
        assertThat(pkcs1.bits()).isEqualTo(2048);
        assertThat(Fixtures.trusted().find("kiln-test.rsa.pub")).contains(pkcs1.publicKey());
        ApkSigningKey pkcs8 = ApkSigningKey.load(Fixtures.KEYS.resolve("other-pkcs8.rsa"));
        assertThat(pkcs8.keyName()).isEqualTo("other-pkcs8.rsa");
    }

    @Test
    void rejectsWeakKeysAndGarbage() throws Exception {
        assertThatThrownBy(() -> ApkSigningKey.load(Fixtures.KEYS.resolve("weak.rsa")))
                .isInstanceOf(ApkException.class)
                .hasMessageContaining("1024 bits")
                .hasMessageContaining("2048");
        Path junk = tmp.resolve("junk.rsa");
        Files.writeString(junk, "hello");
        assertThatThrownBy(() -> ApkSigningKey.load(junk))
                .isInstanceOf(ApkException.class)
                .hasMessageContaining("junk.rsa");
        assertThatThrownBy(() -> ApkSigningKey.generate(1024)).isInstanceOf(ApkException.class);
    }

    @Test
    void generatedKeyRoundTripsThroughPem() throws Exception {
        ApkSigningKey key = ApkSigningKey.generate(2048);
        Path priv = tmp.resolve("keys/kiln.rsa");
        Path pub = tmp.resolve("keys/kiln.rsa.pub");
        key.writePem(priv, pub);
        assertThat(Files.readString(priv)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(Files.readString(pub)).startsWith("-----BEGIN PUBLIC KEY-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(priv)))
                .isEqualTo("rw-------");
        ApkSigningKey loaded = ApkSigningKey.load(priv);
        assertThat(loaded.keyName()).isEqualTo("kiln.rsa");
        assertThat(loaded.signSha256(new byte[] {1, 2, 3})).isEqualTo(key.signSha256(new byte[] {1, 2, 3}));
        TrustedKeys trusted = TrustedKeys.load(List.of(tmp.resolve("keys").resolve("kiln.rsa.pub")));
        assertThat(trusted.names()).containsExactly("kiln.rsa.pub");
        assertThat(trusted.find("kiln.rsa.pub")).contains(key.publicKey());
        assertThatThrownBy(() -> TrustedKeys.load(List.of(tmp.resolve("keys"))))
                .isInstanceOf(ApkException.class)
                .hasMessageContaining("kiln.rsa"); // a private key in a keys dir
    }
}
