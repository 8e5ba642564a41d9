package dev.kiln.registry.internal;

import dev.kiln.content.Hashing;
import java.security.MessageDigest;

/** The hash an upload keeps running for its digest algorithm (the two the distribution spec names). */
public final class UploadHashes {
    private UploadHashes() {}

    public static MessageDigest forAlgorithm(String algorithm) {
        return switch (algorithm) {
            case "sha512" -> Hashing.sha512();
            default -> Hashing.sha256();
        };
    }
}
