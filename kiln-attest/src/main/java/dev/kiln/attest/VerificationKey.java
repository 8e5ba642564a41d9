package dev.kiln.attest;

import dev.kiln.attest.internal.Pem;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A public key that checks signatures: ECDSA (SHA-256, DER or raw {@code r||s} signatures), RSA
 * (PKCS#1 v1.5, SHA-256) or Ed25519. Read from a PKIX {@code PUBLIC KEY} PEM block, the form cosign's
 * {@code .pub} files use.
 */
public final class VerificationKey {
    private final PublicKey key;
    private final byte[] spki;

    public VerificationKey(PublicKey key) {
        this.key = key;
        this.spki = key.getEncoded();
    }

    public static VerificationKey fromPem(String pem, String what) {
        Pem.Block block = Pem.decode(pem, what);
        if (!block.label().equals("PUBLIC KEY")) {
            throw new AttestException(what + ": expected a 'PUBLIC KEY' PEM block, found '" + block.label() + "'");
        }
        for (String algorithm : new String[] {"EC", "RSA", "Ed25519"}) {
            try {
                return new VerificationKey(
                        KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(block.der())));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new AttestException(what + ": public key is not an EC, RSA or Ed25519 key");
    }

    public static VerificationKey read(Path file) {
        try {
            return fromPem(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
        } catch (IOException e) {
            throw new AttestException("cannot read public key " + file + ": " + e.getMessage(), e);
        }
    }

    public PublicKey publicKey() {
        return key;
    }

    public String toPem() {
        return Pem.encode("PUBLIC KEY", spki);
    }

    /** Lowercase hex SHA-256 of the DER public key: Kiln's key id, used as DSSE {@code keyid}. */
    public String keyId() {
        return HexFormat.of().formatHex(sha256(spki));
    }

    /** Base64 SHA-256 of the DER public key: the {@code publicKey.hint} of a Sigstore bundle. */
    public String hint() {
        return Base64.getEncoder().encodeToString(sha256(spki));
    }

    /** Whether {@code signature} is a valid signature of {@code data}; never throws for a bad signature. */
    public boolean verify(byte[] data, byte[] signature) {
        try {
            String algorithm = switch (key.getAlgorithm()) {
                case "EC" -> "SHA256withECDSA";
                case "RSA" -> "SHA256withRSA";
                default -> "Ed25519";
            };
            byte[] sig = signature;
            if (key instanceof ECPublicKey ec && signature.length == 2 * fieldBytes(ec) && signature[0] != 0x30) {
                sig = rawToDer(signature);
            }
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(key);
            v.update(data);
            return v.verify(sig);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static int fieldBytes(ECPublicKey ec) {
        return (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8;
    }

    /** IEEE P1363 {@code r||s} (the DSSE test vector's form) to the ASN.1 DER form JCA expects. */
    private static byte[] rawToDer(byte[] raw) {
        int half = raw.length / 2;
        byte[] r = new BigInteger(1, Arrays.copyOfRange(raw, 0, half)).toByteArray();
        byte[] s = new BigInteger(1, Arrays.copyOfRange(raw, half, raw.length)).toByteArray();
        int len = 2 + r.length + 2 + s.length;
        byte[] der = new byte[2 + len];
        der[0] = 0x30;
        der[1] = (byte) len;
        der[2] = 0x02;
        der[3] = (byte) r.length;
        System.arraycopy(r, 0, der, 4, r.length);
        der[4 + r.length] = 0x02;
        der[5 + r.length] = (byte) s.length;
        System.arraycopy(s, 0, der, 6 + r.length, s.length);
        return der;
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerificationKey k && Arrays.equals(k.spki, spki);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(spki);
    }

    @Override
    public String toString() {
        return key.getAlgorithm() + " key " + keyId().substring(0, 16);
    }
}
