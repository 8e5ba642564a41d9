package dev.kiln.image;

import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Inputs of a build besides the config: {@code archs} (APK or OCI names) override the config's;
 * {@code extraRepositories} are used to resolve only; {@code keyring} are trusted public keys (files
 * or directories); {@code sourceDateEpoch} null means "newest package build date";
 * {@code baseDir} resolves relative repositories and keys of the config; {@code lock}, when set,
 * names the exact packages to install instead of resolving the newest ones.
 */
public record ImageBuildOptions(
        List<String> archs,
        List<String> extraRepositories,
        List<Path> keyring,
        @Nullable Long sourceDateEpoch,
        Path baseDir,
        @Nullable ImageLock lock) {

    public ImageBuildOptions(
            List<String> archs,
            List<String> extraRepositories,
            List<Path> keyring,
            @Nullable Long sourceDateEpoch,
            Path baseDir) {
        this(archs, extraRepositories, keyring, sourceDateEpoch, baseDir, null);
    }

    public ImageBuildOptions withLock(ImageLock newLock) {
        return new ImageBuildOptions(archs, extraRepositories, keyring, sourceDateEpoch, baseDir, newLock);
    }

    public ImageBuildOptions {
        archs = archs == null ? List.of() : List.copyOf(archs);
        extraRepositories = extraRepositories == null ? List.of() : List.copyOf(extraRepositories);
        keyring = keyring == null ? List.of() : List.copyOf(keyring);
        baseDir = baseDir == null ? Path.of(".") : baseDir;
    }
}
