package dev.kiln.cli;

import dev.kiln.apk.ApkSigningKey;
import dev.kiln.server.SigningKeys;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads signing keys for commands, creating the default key on first use so the main job needs no setup. */
final class KeyFiles {
    static final int DEFAULT_BITS = SigningKeys.PACKAGE_KEY_BITS;

    private KeyFiles() {}

    /** Loads a key the user named; a missing file is a usage error with the fix. */
    static ApkSigningKey load(Path key) {
        if (!Files.exists(key)) {
            throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(new Kiln()),
                    "--signing-key " + key + ": no such file (create one with 'kiln keygen " + key + "')");
        }
        return ApkSigningKey.load(key);
    }

    /** Loads Kiln's default key, creating it (and its .pub) on first use so the main job needs no setup. */
    static ApkSigningKey loadOrCreate(Path key, Output out) {
        return SigningKeys.packageKey(key, out::render);
    }
}
