package dev.kiln.cli;

import dev.kiln.apk.SigningKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads signing keys for commands, creating the default key on first use so the main job needs no setup. */
final class KeyFiles {
    static final int DEFAULT_BITS = 4096;

    private KeyFiles() {
    }

    /** Loads a key the user named; a missing file is a usage error with the fix. */
    static SigningKey load(Path key) {
        if (!Files.exists(key)) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new Kiln()),
                    "--signing-key " + key + ": no such file (create one with 'kiln keygen " + key + "')");
        }
        return SigningKey.load(key);
    }

    /** Loads Kiln's default key, creating it (and its .pub) on first use so the main job needs no setup. */
    static SigningKey loadOrCreate(Path key, Output out) throws IOException {
        if (Files.exists(key)) {
            return SigningKey.load(key);
        }
        Files.createDirectories(key.toAbsolutePath().getParent());
        SigningKey generated = SigningKey.generate(DEFAULT_BITS);
        Path pub = key.resolveSibling(key.getFileName() + ".pub");
        generated.writePem(key, pub);
        out.progress("==> created signing key " + key + " (public key " + pub + ")",
                Output.fields("event", "keygen", "private", key.toString(), "public", pub.toString()));
        return SigningKey.load(key);
    }
}
