package dev.kiln.registry.internal;

import dev.kiln.content.Hashing;
import dev.kiln.registry.RegistryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * A bcrypt htpasswd file ({@code user:$2y$...}). bcrypt is slow on purpose, so a successful check
 * is remembered as a SHA-256 of user and password; the password itself is never kept. A name that
 * is not in the file is checked against a dummy hash of the file's highest cost, so an unknown user
 * costs as much time as a wrong password and the answer time does not tell which users exist.
 */
public final class Htpasswd {
    private static final int MAX_REMEMBERED = 1024;
    private final Map<String, String> hashes;
    private static final int DEFAULT_COST = 10;
    private final Map<String, Boolean> verified = new ConcurrentHashMap<>();
    private final LongAdder verifications = new LongAdder();
    private final String dummyHash;
    private static final String DUMMY_AT_DEFAULT_COST = "$2y$10$/t0GrNcjIatLVRZi/Z6cx.gbTOSkOoaC.AXTAwUgmJz6SMd.MxIqi";

    private Htpasswd(Map<String, String> hashes) {
        this.hashes = Map.copyOf(hashes);
        int cost = hashes.values().stream()
                .mapToInt(h -> Integer.parseInt(h.substring(4, 6)))
                .max()
                .orElse(DEFAULT_COST);
        cost = Math.min(31, Math.max(4, cost));
        if (cost == DEFAULT_COST) {
            // Made once, offline, from a random password nobody kept: it only has to cost what a real hash
            // costs, and generating one took a tenth of a second of every registry start (kiln up's included).
            this.dummyHash = DUMMY_AT_DEFAULT_COST;
            return;
        }
        SecureRandom random = new SecureRandom();
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        char[] password = new char[24];
        for (int i = 0; i < password.length; i++) {
            password[i] = (char) ('a' + random.nextInt(26));
        }
        this.dummyHash = OpenBSDBCrypt.generate("2y", password, salt, cost);
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
            bcrypt(dummyHash, password);
            return false;
        }
        String key = rememberKey(user, password, hash);
        if (verified.containsKey(key)) {
            return true;
        }
        boolean ok = bcrypt(hash, password);
        if (ok) {
            if (verified.size() >= MAX_REMEMBERED) {
                verified.clear();
            }
            verified.put(key, Boolean.TRUE);
        }
        return ok;
    }

    /** bcrypt verifications run so far, unknown users included. */
    public long verifications() {
        return verifications.sum();
    }

    private boolean bcrypt(String hash, String password) {
        verifications.increment();
        return OpenBSDBCrypt.checkPassword(hash, password.toCharArray());
    }

    private static String rememberKey(String user, String password, String hash) {
        return Hashing.sha256Hex((user + "\0" + password + "\0" + hash).getBytes(StandardCharsets.UTF_8));
    }
}
