package dev.kiln.registry.internal;

import dev.kiln.registry.RegistryException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/** Builds an in-memory key store from a PEM certificate chain and a PEM private key (PKCS#8, PKCS#1 or SEC1). */
public final class PemKeyStore {
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");

    private PemKeyStore() {}

    public static KeyStore load(Path certFile, Path keyFile, char[] password) {
        try {
            List<Certificate> chain = new ArrayList<>();
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(certFile)) {
                if (b.type().equals("CERTIFICATE")) {
                    chain.add(cf.generateCertificate(new ByteArrayInputStream(b.der())));
                }
            }
            if (chain.isEmpty()) {
                throw new RegistryException("TLS certificate " + certFile + " holds no 'BEGIN CERTIFICATE' block");
            }
            PrivateKey key = null;
            for (Block b : blocks(keyFile)) {
                byte[] pkcs8 = switch (b.type()) {
                    case "PRIVATE KEY" -> b.der();
                    case "RSA PRIVATE KEY" ->
                        new PrivateKeyInfo(
                                        new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                                        RSAPrivateKey.getInstance(b.der()))
                                .getEncoded();
                    case "EC PRIVATE KEY" -> {
                        ECPrivateKey ec = ECPrivateKey.getInstance(b.der());
                        yield new PrivateKeyInfo(
                                        new AlgorithmIdentifier(
                                                X9ObjectIdentifiers.id_ecPublicKey, ec.getParametersObject()),
                                        ec)
                                .getEncoded();
                    }
                    default -> null;
                };
                if (pkcs8 != null) {
                    key = KeyFactory.getInstance(chain.get(0).getPublicKey().getAlgorithm())
                            .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                    break;
                }
            }
            if (key == null) {
                throw new RegistryException("TLS key " + keyFile + " holds no unencrypted private key "
                        + "(expected 'BEGIN PRIVATE KEY', 'BEGIN RSA PRIVATE KEY' or 'BEGIN EC PRIVATE KEY')");
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("registry", key, password, chain.toArray(Certificate[]::new));
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new RegistryException(
                    "cannot load TLS certificate " + certFile + " and key " + keyFile + ": " + e.getMessage(), e);
        }
    }

    // bytes carried as they are; nothing compares these records with equals (arrays compare by identity)
    @SuppressWarnings("ArrayRecordComponent")
    private record Block(String type, byte[] der) {}

    private static List<Block> blocks(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
        }
        return out;
    }
}
