package dev.kiln.registry.internal;

import dev.kiln.content.Hashing;
import dev.kiln.registry.RegistryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * A bcrypt htpasswd file ({@code user:$2y$...}). bcrypt is slow on purpose, so a successful check
 * is remembered as a SHA-256 of user and password; the password itself is never kept.
 */
public final class Htpasswd {
    private static final int MAX_REMEMBERED = 1024;
    private final Map<String, String> hashes;
    private final Map<String, Boolean> verified = new ConcurrentHashMap<>();

    private Htpasswd(Map<String, String> hashes) {
        this.hashes = Map.copyOf(hashes);
    }

    public static Htpasswd load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RegistryException("cannot read htpasswd file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> hashes = new HashMap<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            String hash = colon < 0 ? "" : line.substring(colon + 1);
            if (colon <= 0 || !hash.matches("\\$2[aby]\\$\\d\\d\\$.{53}")) {
                // The line is not echoed: it holds a password hash.
                throw new RegistryException(file + ":" + (i + 1) + ": expected 'user:<bcrypt hash>' ($2y$ format)");
            }
            hashes.put(line.substring(0, colon), hash);
        }
        return new Htpasswd(hashes);
    }

    public boolean check(String user, String password) {
        String hash = hashes.get(user);
        if (hash == null) {
            return false;
        }
        String key = rememberKey(user, password, hash);
        if (verified.containsKey(key)) {
            return true;
        }
        boolean ok = OpenBSDBCrypt.checkPassword(hash, password.toCharArray());
        if (ok) {
            if (verified.size() >= MAX_REMEMBERED) {
                verified.clear();
            }
            verified.put(key, Boolean.TRUE);
        }
        return ok;
    }

    private static String rememberKey(String user, String password, String hash) {
        return Hashing.sha256Hex((user + "\0" + password + "\0" + hash).getBytes(StandardCharsets.UTF_8));
    }
}
