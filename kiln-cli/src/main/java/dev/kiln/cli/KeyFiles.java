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

    static SigningKey loadOrCreateDefault(Path key, Output out) throws IOException {
        if (Files.exists(key)) {
            return SigningKey.load(key);
        }
        if (!key.normalize().equals(Defaults.SIGNING_KEY.normalize())) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new Kiln()),
                    "--signing-key " + key + ": no such file (create one with 'kiln keygen " + key + "')");
        }
        Files.createDirectories(key.toAbsolutePath().getParent());
        SigningKey generated = SigningKey.generate(DEFAULT_BITS);
        Path pub = key.resolveSibling(key.getFileName() + ".pub");
        generated.writePem(key, pub);
        SigningKey loaded = SigningKey.load(key);
        out.progress("==> created signing key " + key + " (public key " + pub + ")",
                Output.fields("event", "keygen", "private", key.toString(), "public", pub.toString()));
        return loaded;
    }
}
