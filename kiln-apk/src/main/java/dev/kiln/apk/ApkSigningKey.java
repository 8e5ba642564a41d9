package dev.kiln.apk;

import dev.kiln.content.AtomicFiles;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * An RSA package-signing key (apk.md §3). The key name is the private key's file name; signatures
 * are stored under {@code .SIGN.RSA256.<name>.pub}, which must equal the public key's file name in
 * {@code /etc/apk/keys}. Name keys {@code NAME.rsa}: apko accepts only signatures named {@code *.rsa.pub}.
 */
public final class ApkSigningKey {
    public static final int MIN_BITS = 2048;

    private final String keyName;
    private final RSAPrivateCrtKey privateKey;
    private final PublicKey publicKey;

    private ApkSigningKey(String keyName, RSAPrivateCrtKey privateKey) {
        int bits = privateKey.getModulus().bitLength();
        if (bits < MIN_BITS) {
            throw new ApkException(
                    "signing key " + keyName + " has " + bits + " bits; at least " + MIN_BITS + " are required");
        }
        this.keyName = keyName;
        this.privateKey = privateKey;
        try {
            this.publicKey = KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
        } catch (GeneralSecurityException e) {
            throw new ApkException("cannot derive the public key of " + keyName, e);
        }
    }

    /** A fresh RSA key named {@code kiln.rsa}. */
    public static ApkSigningKey generate(int bits) {
        return generate(bits, "kiln.rsa");
    }

    public static ApkSigningKey generate(int bits, String keyName) {
        if (bits < MIN_BITS) {
            throw new ApkException("RSA key size " + bits + " is below the minimum of " + MIN_BITS + " bits");
        }
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(bits, new SecureRandom());
            KeyPair pair = gen.generateKeyPair();
            return new ApkSigningKey(keyName, (RSAPrivateCrtKey) pair.getPrivate());
        } catch (GeneralSecurityException e) {
            throw new ApkException("cannot generate a " + bits + "-bit RSA key", e);
        }
    }

    /** Loads an unencrypted PEM private key (PKCS#1 {@code RSA PRIVATE KEY} or PKCS#8 {@code PRIVATE KEY}). */
    public static ApkSigningKey load(Path privateKeyPem) {
        Object pem;
        try (Reader reader = Files.newBufferedReader(privateKeyPem, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            pem = parser.readObject();
        } catch (IOException e) {
            throw new ApkException("cannot read signing key " + privateKeyPem + ": " + e.getMessage(), e);
        }
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        PrivateKey key;
        try {
            if (pem instanceof PEMKeyPair pair) {
                key = converter.getPrivateKey(pair.getPrivateKeyInfo());
            } else if (pem instanceof PrivateKeyInfo info) {
                key = converter.getPrivateKey(info);
            } else if (pem instanceof PEMEncryptedKeyPair || pem instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new ApkException("signing key " + privateKeyPem + " is encrypted; decrypt it first "
                        + "(openssl rsa -in KEY -out KEY.plain)");
            } else {
                throw new ApkException("signing key " + privateKeyPem + ": expected a PEM RSA private key, found "
                        + (pem == null ? "no PEM object" : pem.getClass().getSimpleName()));
            }
        } catch (IOException e) {
            throw new ApkException(
                    "signing key " + privateKeyPem + " is not a valid private key: " + e.getMessage(), e);
        }
        if (!(key instanceof RSAPrivateCrtKey rsa)) {
            throw new ApkException(
                    "signing key " + privateKeyPem + " is a " + key.getAlgorithm() + " key; APK signing needs RSA");
        }
        return new ApkSigningKey(privateKeyPem.getFileName().toString(), rsa);
    }

    /** Writes the private key (PKCS#1, mode 0600) and the public key (PKIX {@code PUBLIC KEY}, mode 0644). */
    public void writePem(Path privateKeyFile, Path publicKeyFile) {
        AtomicFiles.write(privateKeyFile, out -> writePemObject(out, privateKey), AtomicFiles.PRIVATE_PERMISSIONS);
        AtomicFiles.write(publicKeyFile, out -> writePemObject(out, publicKey));
    }

    /** The public key in PKIX PEM form, as installed under {@code /etc/apk/keys/}. */
    public String publicKeyPem() {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            pem.writeObject(publicKey);
        } catch (IOException e) {
            throw new ApkException("cannot encode public key " + publicKeyName(), e);
        }
        return text.toString();
    }

    private static void writePemObject(java.io.OutputStream out, Object key) throws IOException {
        Writer writer = new OutputStreamWriter(out, StandardCharsets.US_ASCII);
        JcaPEMWriter pem = new JcaPEMWriter(writer);
        pem.writeObject(key);
        pem.flush();
    }

    public String keyName() {
        return keyName;
    }

    public String publicKeyName() {
        return keyName + ".pub";
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public int bits() {
        return privateKey.getModulus().bitLength();
    }

    /** RSA PKCS#1 v1.5 with SHA-256; deterministic for a given key and input. */
    public byte[] signSha256(byte[] data) {
        try {
            Signature sig = Signature.getInstance("SHA256withRSA");
            sig.initSign(privateKey);
            sig.update(data);
            return sig.sign();
        } catch (GeneralSecurityException e) {
            throw new ApkException("signing with " + keyName + " failed", e);
        }
    }

    @Override
    public String toString() {
        return "ApkSigningKey[" + keyName + ", " + bits() + " bits]";
    }
}
