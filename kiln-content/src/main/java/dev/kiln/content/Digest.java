package dev.kiln.content;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.regex.Pattern;

/** A content digest in OCI text form {@code algorithm:hex}, e.g. {@code sha256:e3b0...}. */
public record Digest(String algorithm, String hex) {
    private static final Pattern DIGEST_FORM = Pattern.compile("sha(256|512):[0-9a-f]+");

    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

    public Digest {
        int expected = switch (algorithm == null ? "" : algorithm) {
            case "sha256" -> 64;
            case "sha512" -> 128;
            default -> throw new ContentException("digest algorithm must be sha256 or sha512, got '" + algorithm + "'");
        };
        if (hex == null || hex.length() != expected || !HEX.matcher(hex).matches()) {
            throw new ContentException("digest " + algorithm + " must be " + expected
                    + " lowercase hex characters, got " + (hex == null ? "none" : hex.length() + ": '" + hex + "'"));
        }
    }

    public static Digest sha256(byte[] data) {
        return new Digest("sha256", Hashing.sha256Hex(data));
    }

    public static Digest sha256(Path file) {
        MessageDigest md = Hashing.sha256();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new ContentException("cannot read " + file + " to hash it", e);
        }
        return new Digest("sha256", Hashing.hex(md.digest()));
    }

    /** Wraps a finished SHA-256 {@link MessageDigest} result. */
    public static Digest ofSha256(byte[] digestBytes) {
        return new Digest("sha256", Hashing.hex(digestBytes));
    }

    /**
     * Whether {@code text} is written as a digest ({@code sha256:} or {@code sha512:} and hex), as
     * opposed to a name such as an OCI layout's {@code app:1.0} that merely contains a colon.
     */
    public static boolean looksLikeDigest(String text) {
        return text != null && DIGEST_FORM.matcher(text).matches();
    }

    public static Digest parse(String text) {
        if (text == null) {
            throw new ContentException("digest is missing");
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new ContentException("digest must look like 'sha256:<hex>', got '" + text + "'");
        }
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }
}
