package dev.kiln.build;

import dev.kiln.apk.ApkSigningKey;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

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
 * @param annotations   facts about this build recorded in each package's provenance (internal parameters), such as
 *                      the bootstrap stage ({@code bootstrapStage: 1 (host toolchain)}); never in the package bytes
 */
public record BuildOptions(
        String arch,
        Path repository,
        Path cacheDir,
        Path workRoot,
        Path logDir,
        ApkSigningKey signingKey,
        long sourceDateEpoch,
        String namespace,
        boolean offline,
        boolean keepWorkspace,
        @Nullable Path sourceDir,
        BuildListener listener,
        dev.kiln.attest.@Nullable SigningKey attestKey,
        BuildLimits limits,
        EnvironmentSources environment,
        java.util.Map<String, String> annotations) {
    /** Options with {@link BuildLimits#DEFAULT} whose build environments come from no repository. */
    public BuildOptions(
            String arch,
            Path repository,
            Path cacheDir,
            Path workRoot,
            Path logDir,
            ApkSigningKey signingKey,
            long sourceDateEpoch,
            String namespace,
            boolean offline,
            boolean keepWorkspace,
            @Nullable Path sourceDir,
            BuildListener listener,
            dev.kiln.attest.@Nullable SigningKey attestKey) {
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
                BuildLimits.DEFAULT,
                EnvironmentSources.NONE,
                java.util.Map.of());
    }

    /** Options whose package provenance is written unsigned. */
    public BuildOptions(
            String arch,
            Path repository,
            Path cacheDir,
            Path workRoot,
            Path logDir,
            ApkSigningKey signingKey,
            long sourceDateEpoch,
            String namespace,
            boolean offline,
            boolean keepWorkspace,
            @Nullable Path sourceDir,
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
        annotations = annotations == null ? java.util.Map.of() : java.util.Map.copyOf(annotations);
    }

    /**
     * melange's convention for a recipe's local files (patches, configs): a folder named after
     * the package beside the recipe. Null when there is none. A recipe that is a link (the distribution's catalog
     * links the examples' base layout and test tools) finds its folder beside the file it links to, where its
     * author keeps it.
     */
    public static @Nullable Path sourceDirBeside(Path recipe, String packageName) {
        Path abs = realOrAbsolute(recipe);
        Path candidate = Objects.requireNonNull(abs.getParent(), () -> "recipe " + abs + " is not a file")
                .resolve(packageName);
        return java.nio.file.Files.isDirectory(candidate) ? candidate : null;
    }

    private static Path realOrAbsolute(Path recipe) {
        try {
            return recipe.toRealPath();
        } catch (java.io.IOException e) {
            // no such recipe: it has no folder either, and reading the recipe reports what is missing
            return recipe.toAbsolutePath();
        }
    }

    public BuildOptions withSourceDir(@Nullable Path dir) {
        return copy(c -> c.sourceDir = dir);
    }

    /** Online (sources fetched when missing from the cache) or offline (the cache must hold them). */
    public BuildOptions withNetwork(boolean online) {
        return copy(c -> c.offline = !online);
    }

    public BuildOptions withKeepWorkspace(boolean keep) {
        return copy(c -> c.keepWorkspace = keep);
    }

    public BuildOptions withSourceDateEpoch(long epochSeconds) {
        return copy(c -> c.sourceDateEpoch = epochSeconds);
    }

    public BuildOptions withLimits(BuildLimits newLimits) {
        return copy(c -> c.limits = newLimits);
    }

    public BuildOptions withAttestKey(dev.kiln.attest.@Nullable SigningKey key) {
        return copy(c -> c.attestKey = key);
    }

    public BuildOptions withEnvironment(EnvironmentSources sources) {
        return copy(c -> c.environment = sources);
    }

    public BuildOptions withAnnotations(java.util.Map<String, String> values) {
        return copy(c -> c.annotations = values);
    }

    /** These options with the fields {@code change} sets replaced; the compact constructor checks the result. */
    private BuildOptions copy(java.util.function.Consumer<Fields> change) {
        Fields c = new Fields(this);
        change.accept(c);
        return new BuildOptions(
                c.arch,
                c.repository,
                c.cacheDir,
                c.workRoot,
                c.logDir,
                c.signingKey,
                c.sourceDateEpoch,
                c.namespace,
                c.offline,
                c.keepWorkspace,
                c.sourceDir,
                c.listener,
                c.attestKey,
                c.limits,
                c.environment,
                c.annotations);
    }

    /** The record's components, mutable, for {@link #copy}. */
    private static final class Fields {
        String arch;
        Path repository;
        Path cacheDir;
        Path workRoot;
        Path logDir;
        ApkSigningKey signingKey;
        long sourceDateEpoch;
        String namespace;
        boolean offline;
        boolean keepWorkspace;

        @Nullable
        Path sourceDir;

        BuildListener listener;
        dev.kiln.attest.@Nullable SigningKey attestKey;
        BuildLimits limits;
        EnvironmentSources environment;
        java.util.Map<String, String> annotations;

        Fields(BuildOptions o) {
            arch = o.arch;
            repository = o.repository;
            cacheDir = o.cacheDir;
            workRoot = o.workRoot;
            logDir = o.logDir;
            signingKey = o.signingKey;
            sourceDateEpoch = o.sourceDateEpoch;
            namespace = o.namespace;
            offline = o.offline;
            keepWorkspace = o.keepWorkspace;
            sourceDir = o.sourceDir;
            listener = o.listener;
            attestKey = o.attestKey;
            limits = o.limits;
            environment = o.environment;
            annotations = o.annotations;
        }
    }
}
