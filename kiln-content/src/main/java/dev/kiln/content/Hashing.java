package dev.kiln.content;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/** Small hashing conveniences over {@link MessageDigest}; all algorithms used here exist in every JDK. */
public final class Hashing {
    private static final HexFormat HEX = HexFormat.of();

    private Hashing() {}

    public static MessageDigest sha1() {
        return digest("SHA-1");
    }

    public static MessageDigest sha256() {
        return digest("SHA-256");
    }

    public static MessageDigest sha512() {
        return digest("SHA-512");
    }

    public static MessageDigest digest(String jdkAlgorithm) {
        try {
            return MessageDigest.getInstance(jdkAlgorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new ContentException("message digest " + jdkAlgorithm + " is not available in this JDK", e);
        }
    }

    public static String sha1Hex(byte[] data) {
        return hex(sha1().digest(data));
    }

    public static String sha256Hex(byte[] data) {
        return hex(sha256().digest(data));
    }

    public static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    public static byte[] unhex(String hex) {
        try {
            return HEX.parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new ContentException("not a hex string: '" + hex + "'", e);
        }
    }

    public static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
