package dev.kiln.build.source;

import java.util.Locale;
import java.util.regex.Pattern;

/** An expected checksum of a source file: {@code sha256} (64 hex) or {@code sha512} (128 hex). */
public record SourceChecksum(String algorithm, String hex) {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

    public SourceChecksum {
        hex = hex.toLowerCase(Locale.ROOT);
        int expected = switch (algorithm) {
            case "sha256" -> 64;
            case "sha512" -> 128;
            default ->
                throw new IllegalArgumentException("checksum algorithm must be sha256 or sha512, got " + algorithm);
        };
        if (hex.length() != expected || !HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("expected-" + algorithm + " must be " + expected
                    + " hex characters, got '" + hex + "' (" + hex.length() + ")");
        }
    }

    public static SourceChecksum sha256(String hex) {
        return new SourceChecksum("sha256", hex);
    }

    public static SourceChecksum sha512(String hex) {
        return new SourceChecksum("sha512", hex);
    }

    public String javaAlgorithm() {
        return algorithm.equals("sha256") ? "SHA-256" : "SHA-512";
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }
}
