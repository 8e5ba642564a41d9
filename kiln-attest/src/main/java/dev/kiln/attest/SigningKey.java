package dev.kiln.attest;

import dev.kiln.attest.internal.CosignKeyFormat;
import dev.kiln.attest.internal.Pem;
import dev.kiln.content.AtomicFiles;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.jspecify.annotations.Nullable;

/**
 * An ECDSA P-256 private key that signs with SHA-256 and yields ASN.1 DER signatures, as cosign does.
 * Written as cosign's encrypted key format; read from that, from its older label, from PKCS#8
 * ({@code PRIVATE KEY}, or {@code ENCRYPTED PRIVATE KEY} as {@code openssl pkcs8 -topk8} writes it).
 */
public final class SigningKey {
    private final ECPrivateKey key;
    private final VerificationKey publicKey;

    private SigningKey(ECPrivateKey key) {
        this.key = key;
        this.publicKey = new VerificationKey(derivePublic(key));
    }

    public static SigningKey generate(SecureRandom random) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), random);
            return new SigningKey((ECPrivateKey) g.generateKeyPair().getPrivate());
        } catch (GeneralSecurityException e) {
            throw new AttestException("cannot generate an ECDSA P-256 key: " + e.getMessage(), e);
        }
    }

    /** The P-256 key with private scalar {@code d}; for test vectors. */
    public static SigningKey ofScalar(BigInteger d) {
        try {
            KeyFactory f = KeyFactory.getInstance("EC");
            java.security.AlgorithmParameters p = java.security.AlgorithmParameters.getInstance("EC");
            p.init(new ECGenParameterSpec("secp256r1"));
            java.security.spec.ECParameterSpec spec = p.getParameterSpec(java.security.spec.ECParameterSpec.class);
            return new SigningKey((ECPrivateKey) f.generatePrivate(new java.security.spec.ECPrivateKeySpec(d, spec)));
        } catch (GeneralSecurityException e) {
            throw new AttestException("not a P-256 private scalar: " + e.getMessage(), e);
        }
    }

    /** Parses a private key PEM; {@code passphrase} is needed for the encrypted forms only. */
    public static SigningKey fromPem(String pem, char @Nullable [] passphrase, String what) {
        Pem.Block block = Pem.decode(pem, what);
        byte[] pkcs8 = switch (block.label()) {
            case CosignKeyFormat.LABEL, CosignKeyFormat.LEGACY_LABEL ->
                CosignKeyFormat.decrypt(block.der(), requirePassphrase(passphrase, what), what);
            case "ENCRYPTED PRIVATE KEY" -> decryptPkcs8(block.der(), requirePassphrase(passphrase, what), what);
            case "PRIVATE KEY" -> block.der();
            default ->
                throw new AttestException(what + ": expected an '" + CosignKeyFormat.LABEL
                        + "', 'ENCRYPTED PRIVATE KEY' or 'PRIVATE KEY' PEM block, found '" + block.label() + "'");
        };
        try {
            PrivateKey k = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            ECPrivateKey ec = (ECPrivateKey) k;
            if (ec.getParams().getCurve().getField().getFieldSize() != 256) {
                throw new AttestException(what + ": expected an ECDSA P-256 key, found a "
                        + ec.getParams().getCurve().getField().getFieldSize() + "-bit curve");
            }
            return new SigningKey(ec);
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new AttestException(what + ": not an ECDSA private key (PKCS#8)", e);
        }
    }

    public static SigningKey read(Path file, char @Nullable [] passphrase) {
        try {
            return fromPem(Files.readString(file, StandardCharsets.US_ASCII), passphrase, file.toString());
        } catch (IOException e) {
            throw new AttestException("cannot read private key " + file + ": " + e.getMessage(), e);
        }
    }

    public VerificationKey verificationKey() {
        return publicKey;
    }

    /** ECDSA P-256 / SHA-256 signature of {@code data}, ASN.1 DER encoded. */
    public byte[] sign(byte[] data) {
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(key);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new AttestException("cannot sign: " + e.getMessage(), e);
        }
    }

    /** cosign's encrypted key PEM ({@code ENCRYPTED SIGSTORE PRIVATE KEY}). */
    public String toEncryptedPem(char[] passphrase, SecureRandom random) {
        return Pem.encode(CosignKeyFormat.LABEL, CosignKeyFormat.encrypt(key.getEncoded(), passphrase, random));
    }

    /** Writes the encrypted private key (mode 0600) and the public key, each atomically. */
    public void write(Path privateKey, Path publicKeyFile, char[] passphrase, SecureRandom random) {
        AtomicFiles.write(
                privateKey,
                out -> out.write(toEncryptedPem(passphrase, random).getBytes(StandardCharsets.US_ASCII)),
                AtomicFiles.PRIVATE_PERMISSIONS);
        AtomicFiles.write(publicKeyFile, publicKey.toPem().getBytes(StandardCharsets.US_ASCII));
    }

    private static char[] requirePassphrase(char @Nullable [] passphrase, String what) {
        if (passphrase == null) {
            throw new AttestException(what + ": the private key is encrypted and no passphrase was given");
        }
        return passphrase;
    }

    private static byte[] decryptPkcs8(byte[] der, char[] passphrase, String what) {
        try {
            PKCS8EncryptedPrivateKeyInfo info = new PKCS8EncryptedPrivateKeyInfo(der);
            PrivateKeyInfo plain = info.decryptPrivateKeyInfo(new JceOpenSSLPKCS8DecryptorProviderBuilder()
                    .setProvider(new BouncyCastleProvider())
                    .build(passphrase));
            return plain.getEncoded();
        } catch (Exception e) {
            throw new AttestException(what + ": cannot decrypt PKCS#8 key (wrong passphrase?): " + e.getMessage(), e);
        }
    }

    private static java.security.PublicKey derivePublic(ECPrivateKey key) {
        try {
            org.bouncycastle.math.ec.ECPoint q = ECNamedCurveTable.getParameterSpec("secp256r1")
                    .getG()
                    .multiply(key.getS())
                    .normalize();
            ECPoint w = new ECPoint(
                    q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
            return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, key.getParams()));
        } catch (GeneralSecurityException e) {
            throw new AttestException("cannot derive the public key: " + e.getMessage(), e);
        }
    }
}
