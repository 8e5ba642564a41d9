package dev.kiln.apk.internal;

import dev.kiln.content.Hashing;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import org.jspecify.annotations.Nullable;

/**
 * Verifies RSA PKCS#1 v1.5 signatures against a digest computed while streaming, so large signed
 * streams never need to be held in memory: the DER DigestInfo is prefixed here and checked raw.
 */
public final class RsaVerifier {
    private static final byte[] SHA256_PREFIX = Hashing.unhex("3031300d060960864801650304020105000420");
    private static final byte[] SHA512_PREFIX = Hashing.unhex("3051300d060960864801650304020305000440");

    private RsaVerifier() {}

    /** The JDK digest algorithm for an APK signature algorithm Kiln verifies, or null if unsupported. */
    public static @Nullable String digestAlgorithm(String apkAlgorithm) {
        return switch (apkAlgorithm) {
            case "RSA256" -> "SHA-256";
            case "RSA512" -> "SHA-512";
            default -> null;
        };
    }

    public static boolean verify(PublicKey key, String apkAlgorithm, byte[] digest, byte[] signature) {
        byte[] prefix = "RSA512".equals(apkAlgorithm) ? SHA512_PREFIX : SHA256_PREFIX;
        byte[] digestInfo = new byte[prefix.length + digest.length];
        System.arraycopy(prefix, 0, digestInfo, 0, prefix.length);
        System.arraycopy(digest, 0, digestInfo, prefix.length, digest.length);
        try {
            Signature rsa = Signature.getInstance("NONEwithRSA");
            rsa.initVerify(key);
            rsa.update(digestInfo);
            return rsa.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
