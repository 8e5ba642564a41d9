package dev.kiln.build;

import dev.kiln.apk.SigningKey;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything a build needs besides its plan. {@code sourceDateEpoch} is the one clock every
 * output uses, so the same plan and options give the same bytes.
 *
 * @param arch          APK architecture, e.g. x86_64
 * @param repository    repository root; packages land in {@code repository/ARCH/}
 * @param cacheDir      source cache (tarballs by checksum, git mirrors)
 * @param workRoot      parent of the temporary build workspaces
 * @param logDir        where the full log of each build is written
 * @param signingKey    RSA key that signs packages and the index
 * @param namespace     distribution name used in SBOMs and purls
 * @param offline       never use the network; sources must be in the cache
 * @param keepWorkspace leave the workspace in place (for debugging a failed build)
 * @param sourceDir     local files (patches, configs) copied into the workspace before the first step; may be null
 * @param attestKey     ECDSA image key that signs each package's provenance as a DSSE envelope; null writes the
 *                      bare in-toto statement
 * @param limits        whole-build timeout and the sandbox's process and workspace ceilings
 * @param environment   repositories and keys for build environments installed from packages
 */
public record BuildOptions(
        String arch,
        Path repository,
        Path cacheDir,
        Path workRoot,
        Path logDir,
        SigningKey signingKey,
        long sourceDateEpoch,
        String namespace,
        boolean offline,
        boolean keepWorkspace,
        Path sourceDir,
        BuildListener listener,
        dev.kiln.attest.SigningKey attestKey,
        BuildLimits limits,
        EnvironmentSources environment) {
    /** Options whose build environments come from no repository (the host-toolchain stage). */
    public BuildOptions(
            String arch,
            Path repository,
            Path cacheDir,
            Path workRoot,
            Path logDir,
            SigningKey signingKey,
            long sourceDateEpoch,
            String namespace,
            boolean offline,
            boolean keepWorkspace,
            Path sourceDir,
            BuildListener listener,
            dev.kiln.attest.SigningKey attestKey,
            BuildLimits limits) {
        this(
                arch,
                repository,
                cacheDir,
                workRoot,
                logDir,
                signingKey,
                sourceDateEpoch,
                namespace,
                offline,
                keepWorkspace,
                sourceDir,
                listener,
                attestKey,
                limits,
                EnvironmentSources.NONE);
    }

    /** Options with {@link BuildLimits#DEFAULT}. */
    public BuildOptions(
            String arch,
            Path repository,
            Path cacheDir,
            Path workRoot,
            Path logDir,
            SigningKey signingKey,
            long sourceDateEpoch,
            String namespace,
            boolean offline,
            boolean keepWorkspace,
            Path sourceDir,
            BuildListener listener,
            dev.kiln.attest.SigningKey attestKey) {
        this(
                arch,
                repository,
                cacheDir,
                workRoot,
                logDir,
                signingKey,
                sourceDateEpoch,
                namespace,
                offline,
                keepWorkspace,
                sourceDir,
                listener,
                attestKey,
                BuildLimits.DEFAULT);
    }

    /** Options whose package provenance is written unsigned. */
    public BuildOptions(
            String arch,
            Path repository,
            Path cacheDir,
            Path workRoot,
            Path logDir,
            SigningKey signingKey,
            long sourceDateEpoch,
            String namespace,
            boolean offline,
            boolean keepWorkspace,
            Path sourceDir,
            BuildListener listener) {
        this(
                arch,
                repository,
                cacheDir,
                workRoot,
                logDir,
                signingKey,
                sourceDateEpoch,
                namespace,
                offline,
                keepWorkspace,
                sourceDir,
                listener,
                null);
    }

    public BuildOptions {
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(cacheDir, "cacheDir");
        Objects.requireNonNull(workRoot, "workRoot");
        Objects.requireNonNull(logDir, "logDir");
        Objects.requireNonNull(signingKey, "signingKey");
        namespace = namespace == null ? "kiln" : namespace;
        listener = listener == null ? BuildListener.NONE : listener;
        limits = limits == null ? BuildLimits.DEFAULT : limits;
        environment = environment == null ? EnvironmentSources.NONE : environment;
    }

    /**
     * melange's convention for a recipe's local files (patches, configs): a folder named after
     * the package beside the recipe. Null when there is none.
     */
    public static Path sourceDirBeside(Path recipe, String packageName) {
        Path candidate = recipe.toAbsolutePath().getParent().resolve(packageName);
        return java.nio.file.Files.isDirectory(candidate) ? candidate : null;
    }

    public BuildOptions withSourceDir(Path dir) {
        return new BuildOptions(
                arch,
                repository,
                cacheDir,
                workRoot,
                logDir,
                signingKey,
                sourceDateEpoch,
                namespace,
                offline,
                keepWorkspace,
                dir,
                listener,
                attestKey,
                limits,
                environment);
    }

    public BuildOptions withLimits(BuildLimits newLimits) {
        return new BuildOptions(
                arch,
                repository,
                cacheDir,
                workRoot,
                logDir,
                signingKey,
                sourceDateEpoch,
                namespace,
                offline,
                keepWorkspace,
                sourceDir,
                listener,
                attestKey,
                newLimits,
                environment);
    }

    public BuildOptions withAttestKey(dev.kiln.attest.SigningKey key) {
        return new BuildOptions(
                arch,
                repository,
                cacheDir,
                workRoot,
                logDir,
                signingKey,
                sourceDateEpoch,
                namespace,
                offline,
                keepWorkspace,
                sourceDir,
                listener,
                key,
                limits,
                environment);
    }

    public BuildOptions withEnvironment(EnvironmentSources sources) {
        return new BuildOptions(
                arch,
                repository,
                cacheDir,
                workRoot,
                logDir,
                signingKey,
                sourceDateEpoch,
                namespace,
                offline,
                keepWorkspace,
                sourceDir,
                listener,
                attestKey,
                limits,
                sources);
    }
}
