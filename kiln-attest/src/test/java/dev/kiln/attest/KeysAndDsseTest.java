package dev.kiln.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysAndDsseTest {
    static final SecureRandom RANDOM = new SecureRandom(new byte[] {1});
    // DSSE protocol.md test vector: P-256 key and a deterministic raw r||s signature.
    static final BigInteger X =
            new BigInteger("46950820868899156662930047687818585632848591499744589407958293238635476079160");
    static final BigInteger Y =
            new BigInteger("5640078356564379163099075877009565129882514886557779369047442380624545832820");
    static final BigInteger D =
            new BigInteger("97358161215184420915383655311931858321456579547487070936769975997791359926199");
    static final String VECTOR_SIG =
            "A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA==";

    @Test
    void paeMatchesTheSpecVector() {
        byte[] pae = Dsse.pae("http://example.com/HelloWorld", "hello world".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(pae, StandardCharsets.US_ASCII))
                .isEqualTo("DSSEv1 29 http://example.com/HelloWorld 11 hello world");
        // lengths are bytes, not characters
        assertThat(new String(Dsse.pae("t", "é".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8))
                .isEqualTo("DSSEv1 1 t 2 é");
    }

    @Test
    void specVectorEnvelopeVerifiesWithTheSpecKey() {
        SigningKey key = SigningKey.ofScalar(D);
        ECPublicKey pub = (ECPublicKey) key.verificationKey().publicKey();
        assertThat(pub.getW().getAffineX()).isEqualTo(X);
        assertThat(pub.getW().getAffineY()).isEqualTo(Y);
        String json = "{\"payload\": \"aGVsbG8gd29ybGQ=\", \"payloadType\": \"http://example.com/HelloWorld\","
                + " \"signatures\": [{\"sig\": \"" + VECTOR_SIG + "\"}]}";
        Dsse.Envelope env = Dsse.Envelope.parse(json.getBytes(StandardCharsets.UTF_8), "vector");
        assertThat(new String(Dsse.verify(env, key.verificationKey(), "vector"), StandardCharsets.UTF_8))
                .isEqualTo("hello world");
        // URL-safe base64 is accepted too
        String urlSafe = json.replace(VECTOR_SIG, VECTOR_SIG.replace('+', '-').replace('/', '_'));
        assertThat(Dsse.verify(
                        Dsse.Envelope.parse(urlSafe.getBytes(StandardCharsets.UTF_8), "v"), key.verificationKey(), "v"))
                .isNotNull();
        // a one-byte change of the payload type breaks it
        Dsse.Envelope other = new Dsse.Envelope("http://example.com/HelloWorlD", env.payload(), env.signatures());
        assertThatThrownBy(() -> Dsse.verify(other, key.verificationKey(), "tampered"))
                .isInstanceOf(AttestException.class)
                .hasMessageContaining("tampered: none of 1 DSSE signature(s) verifies");
        // our own signatures are DER and verify through the same path
        Dsse.Envelope ours = Dsse.sign("http://example.com/HelloWorld", env.payload(), key);
        assertThat(Dsse.Envelope.parse(ours.toJson(), "ours").payload()).isEqualTo(env.payload());
        assertThat(Dsse.verify(Dsse.Envelope.parse(ours.toJson(), "ours"), key.verificationKey(), "ours"))
                .isEqualTo(env.payload());
        assertThat(new String(ours.toJson(), StandardCharsets.UTF_8))
                .startsWith("{\"payload\":\"aGVsbG8gd29ybGQ=\",\"payloadType\":");
    }

    @Test
    void encryptedKeyRoundTripsAndRejectsWrongPassphrase(@TempDir Path dir) throws Exception {
        SigningKey key = SigningKey.generate(RANDOM);
        Path priv = dir.resolve("image.key");
        Path pub = dir.resolve("image.pub");
        key.write(priv, pub, "s3cret".toCharArray(), RANDOM);
        String pem = Files.readString(priv);
        assertThat(pem).startsWith("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n");
        String body = new String(
                Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "")), StandardCharsets.UTF_8);
        assertThat(body)
                .contains("\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":65536,\"r\":8,\"p\":1}")
                .contains("\"cipher\":{\"name\":\"nacl/secretbox\"");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(priv)))
                .isEqualTo("rw-------");
        assertThat(Files.readString(pub)).startsWith("-----BEGIN PUBLIC KEY-----\n");

        SigningKey back = SigningKey.read(priv, "s3cret".toCharArray());
        assertThat(back.verificationKey()).isEqualTo(key.verificationKey());
        assertThat(VerificationKey.read(pub)).isEqualTo(key.verificationKey());
        byte[] sig = back.sign("data".getBytes(StandardCharsets.UTF_8));
        assertThat(VerificationKey.read(pub).verify("data".getBytes(StandardCharsets.UTF_8), sig))
                .isTrue();
        assertThat(VerificationKey.read(pub).verify("datA".getBytes(StandardCharsets.UTF_8), sig))
                .isFalse();

        assertThatThrownBy(() -> SigningKey.read(priv, "wrong".toCharArray()))
                .hasMessageContaining(priv + ": wrong passphrase");
        assertThatThrownBy(() -> SigningKey.read(priv, null)).hasMessageContaining("no passphrase was given");
        assertThatThrownBy(() -> SigningKey.fromPem(Files.readString(pub), null, "pub"))
                .hasMessageContaining("found 'PUBLIC KEY'");
    }

    @Test
    void readsPlainAndOpensslEncryptedPkcs8(@TempDir Path dir) throws Exception {
        SigningKey key = SigningKey.generate(RANDOM);
        // plain PKCS#8, as 'openssl genpkey -algorithm EC' writes it
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        java.security.KeyPair pair = g.generateKeyPair();
        String plain = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        SigningKey read = SigningKey.fromPem(plain, null, "plain");
        assertThat(read.verificationKey().publicKey().getEncoded())
                .isEqualTo(pair.getPublic().getEncoded());
        assertThat(key.verificationKey().keyId()).hasSize(64);
        assertThat(KeyFactory.getInstance("EC")).isNotNull();
    }

    @Test
    void keyIdAndHintAreDigestsOfThePublicKey() {
        VerificationKey k = SigningKey.ofScalar(D).verificationKey();
        assertThat(Base64.getDecoder().decode(k.hint())).hasSize(32);
        assertThat(k.keyId())
                .isEqualTo(
                        java.util.HexFormat.of().formatHex(Base64.getDecoder().decode(k.hint())));
        assertThat(List.of(k.toPem())).allMatch(p -> p.contains("PUBLIC KEY"));
        assertThat(VerificationKey.fromPem(k.toPem(), "round")).isEqualTo(k);
    }
}
