package dev.kiln.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.jspecify.annotations.Nullable;

/** The keys a reconcile signs with, created on first use so the main job needs no setup. */
public final class SigningKeys {
    public static final int PACKAGE_KEY_BITS = 4096;

    private SigningKeys() {}

    /** The RSA key at {@code key}, created (with its {@code .pub}) when missing. */
    public static dev.kiln.apk.ApkSigningKey packageKey(Path key, ReconcileListener listener) {
        if (Files.exists(key)) {
            return dev.kiln.apk.ApkSigningKey.load(key);
        }
        try {
            Files.createDirectories(key.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the key directory for " + key, e);
        }
        Path pub = key.resolveSibling(key.getFileName() + ".pub");
        dev.kiln.apk.ApkSigningKey.generate(PACKAGE_KEY_BITS).writePem(key, pub);
        listener.onEvent(ReconcileEvent.of(
                "keygen",
                "==> created signing key " + key + " (public key " + pub + ")",
                "private",
                key.toString(),
                "public",
                pub.toString()));
        return dev.kiln.apk.ApkSigningKey.load(key);
    }

    /**
     * The ECDSA image key of {@code settings} (its {@code .pub} beside it), created on first use and
     * encrypted with the configured passphrase (empty when unset, as cosign allows); null when images
     * are pushed unsigned.
     */
    public static dev.kiln.attest.@Nullable SigningKey imageKey(Settings settings, ReconcileListener listener) {
        Path key = settings.imageKey();
        if (key == null) {
            return null;
        }
        Path pub = key.resolveSibling(key.getFileName().toString().replaceFirst("\\.key$", "") + ".pub");
        char[] passphrase = settings.imagePassphrase().toCharArray();
        if (!Files.exists(key)) {
            dev.kiln.attest.SigningKey.generate(new SecureRandom()).write(key, pub, passphrase, new SecureRandom());
            listener.onEvent(ReconcileEvent.of(
                    "keygen",
                    "==> created image signing key " + key + " (verify with " + pub + ")",
                    "private",
                    key.toString(),
                    "public",
                    pub.toString()));
        }
        return dev.kiln.attest.SigningKey.read(key, passphrase);
    }
}
