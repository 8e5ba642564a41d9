package dev.kiln.attest.internal;

import dev.kiln.attest.AttestException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** RFC 7468 text encoding: one labelled base64 block. */
public final class Pem {
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*(.*?)-----END \\1-----", Pattern.DOTALL);

    /** A decoded block and its label, e.g. {@code PUBLIC KEY}. */
    // bytes carried as they are; nothing compares these records with equals (arrays compare by identity)
    @SuppressWarnings("ArrayRecordComponent")
    public record Block(String label, byte[] der) {}

    private Pem() {}

    public static Block decode(String text, String what) {
        Matcher m = BLOCK.matcher(text);
        if (!m.find()) {
            throw new AttestException(what + ": not a PEM file (expected '-----BEGIN ...-----')");
        }
        String body = m.group(2);
        // Encapsulated headers (OpenSSL's "Proc-Type:") mean a legacy encryption we do not read.
        if (body.contains(":")) {
            throw new AttestException(what + ": PEM block '" + m.group(1)
                    + "' has encapsulated headers (legacy OpenSSL encryption); convert it with 'openssl pkcs8 -topk8'");
        }
        try {
            return new Block(m.group(1), Base64.getMimeDecoder().decode(body));
        } catch (IllegalArgumentException e) {
            throw new AttestException(what + ": PEM block '" + m.group(1) + "' is not valid base64", e);
        }
    }

    public static String encode(String label, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + b64 + "\n-----END " + label + "-----\n";
    }
}
