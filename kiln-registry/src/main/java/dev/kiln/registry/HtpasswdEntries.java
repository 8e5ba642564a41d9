package dev.kiln.registry;

import java.security.SecureRandom;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/** Writes htpasswd lines in the bcrypt form the registry (and Apache's htpasswd -B) accepts. */
public final class HtpasswdEntries {
    private static final int COST = 10;

    private HtpasswdEntries() {}

    /** {@code user:$2y$10$…} for {@code password}, with a salt from {@code random}. */
    public static String bcryptLine(String user, char[] password, SecureRandom random) {
        if (user.isEmpty() || user.contains(":")) {
            throw new RegistryException("htpasswd user name must be non-empty and contain no ':', got '" + user + "'");
        }
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        return user + ":" + OpenBSDBCrypt.generate("2y", password, salt, COST);
    }
}
