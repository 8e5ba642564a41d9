package dev.kiln.attest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.attest.AttestException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * cosign's encrypted private key: a JSON document naming scrypt as KDF and NaCl secretbox
 * (XSalsa20-Poly1305) as cipher, wrapping the PKCS#8 DER key, in a PEM block labelled
 * {@code ENCRYPTED SIGSTORE PRIVATE KEY} (formerly {@code ENCRYPTED COSIGN PRIVATE KEY}).
 * Kiln writes its own image keys in this format so that cosign can use them unchanged.
 */
public final class CosignKeyFormat {
    public static final String LABEL = "ENCRYPTED SIGSTORE PRIVATE KEY";
    public static final String LEGACY_LABEL = "ENCRYPTED COSIGN PRIVATE KEY";
    /** cosign's current scrypt cost; decryption takes the cost from the file. */
    static final int N = 65536;

    static final int R = 8;
    static final int P = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private CosignKeyFormat() {}

    public static byte[] encrypt(byte[] pkcs8, char[] passphrase, SecureRandom random) {
        byte[] salt = new byte[32];
        byte[] nonce = new byte[24];
        random.nextBytes(salt);
        random.nextBytes(nonce);
        byte[] key = SCrypt.generate(utf8(passphrase), salt, N, R, P, 32);
        byte[] box = secretbox(true, key, nonce, pkcs8, "key");
        ObjectNode doc = JSON.createObjectNode();
        ObjectNode kdf = doc.putObject("kdf");
        kdf.put("name", "scrypt");
        kdf.putObject("params").put("N", N).put("r", R).put("p", P);
        kdf.put("salt", b64(salt));
        doc.putObject("cipher").put("name", "nacl/secretbox").put("nonce", b64(nonce));
        doc.put("ciphertext", b64(box));
        try {
            return JSON.writeValueAsBytes(doc);
        } catch (IOException e) {
            throw new AttestException("cannot serialise encrypted key", e);
        }
    }

    public static byte[] decrypt(byte[] document, char[] passphrase, String what) {
        JsonNode doc;
        try {
            doc = JSON.readTree(document);
        } catch (IOException e) {
            throw new AttestException(what + ": encrypted key body is not JSON", e);
        }
        String kdf = doc.path("kdf").path("name").asText();
        String cipher = doc.path("cipher").path("name").asText();
        if (!kdf.equals("scrypt") || !cipher.equals("nacl/secretbox")) {
            throw new AttestException(what + ": expected kdf 'scrypt' and cipher 'nacl/secretbox', found '" + kdf
                    + "' and '" + cipher + "'");
        }
        JsonNode params = doc.path("kdf").path("params");
        int n = params.path("N").asInt();
        int r = params.path("r").asInt();
        int p = params.path("p").asInt();
        if (n < 2 || Integer.bitCount(n) != 1 || r < 1 || p < 1) {
            throw new AttestException(what + ": scrypt parameters N=" + n + " r=" + r + " p=" + p + " are invalid");
        }
        byte[] salt = unb64(doc.path("kdf").path("salt").asText(), what + " kdf.salt");
        byte[] nonce = unb64(doc.path("cipher").path("nonce").asText(), what + " cipher.nonce");
        byte[] box = unb64(doc.path("ciphertext").asText(), what + " ciphertext");
        if (nonce.length != 24 || box.length < 16) {
            throw new AttestException(what + ": nonce must be 24 bytes and ciphertext at least 16, found "
                    + nonce.length + " and " + box.length);
        }
        byte[] key = SCrypt.generate(utf8(passphrase), salt, n, r, p, 32);
        return secretbox(false, key, nonce, box, what);
    }

    /** NaCl crypto_secretbox: the first 32 keystream bytes key Poly1305; output is tag || ciphertext. */
    private static byte[] secretbox(boolean seal, byte[] key, byte[] nonce, byte[] input, String what) {
        XSalsa20Engine salsa = new XSalsa20Engine();
        salsa.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        byte[] polyKey = new byte[32];
        salsa.processBytes(new byte[32], 0, 32, polyKey, 0);
        Poly1305 mac = new Poly1305();
        mac.init(new KeyParameter(polyKey));
        if (seal) {
            byte[] out = new byte[16 + input.length];
            salsa.processBytes(input, 0, input.length, out, 16);
            mac.update(out, 16, input.length);
            mac.doFinal(out, 0);
            return out;
        }
        int len = input.length - 16;
        mac.update(input, 16, len);
        byte[] tag = new byte[16];
        mac.doFinal(tag, 0);
        if (!MessageDigest.isEqual(tag, Arrays.copyOf(input, 16))) {
            throw new AttestException(what + ": wrong passphrase (or the encrypted key is corrupt)");
        }
        byte[] out = new byte[len];
        salsa.processBytes(input, 16, len, out, 0);
        return out;
    }

    private static byte[] utf8(char[] passphrase) {
        return new String(passphrase).getBytes(StandardCharsets.UTF_8);
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static byte[] unb64(String s, String what) {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new AttestException(what + " is not base64", e);
        }
    }
}
