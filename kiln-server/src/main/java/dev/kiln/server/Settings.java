package dev.kiln.server;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything a reconcile needs to know about where things live and how outputs are stamped,
 * resolved once from the command line and the environment with one set of defaults, so
 * {@code kiln up}, {@code kiln update run} and the server cannot drift apart (they used to: one
 * honoured {@code SOURCE_DATE_EPOCH}, the other did not).
 *
 * @param stateDir        cache, logs, workspaces, keys, registry storage and the state database
 * @param cacheDir        the source cache ({@code STATE/cache} unless set)
 * @param repository      package repository root; packages land in {@code repository/ARCH/}
 * @param catalog         catalog directory with {@code recipes/} and {@code images/}
 * @param arch            APK architecture built and published
 * @param sourceDateEpoch the timestamp of every output when set (flag, else {@code $SOURCE_DATE_EPOCH}); null when
 *                        neither says, which dates packages by their recipe's last commit ({@code BuildTime}) and
 *                        images by their newest package
 * @param packageKey      RSA key that signs packages and the index; created on first use
 * @param imageKey        ECDSA key that signs images and attestations; null pushes images unsigned
 * @param imagePassphrase passphrase of {@code imageKey} ({@code $KILN_PASSWORD}, empty when unset)
 * @param pipelineDirs    extra pipeline definitions for recipes
 * @param upstreams       where upstream monitors ask and how bumps apply patches
 * @param database        the state store: a {@code jdbc:} URL (SQLite by default, under the state directory)
 * @param advisories      the advisory documents (or a feed compiled from them) images are scanned against;
 *                        {@code CATALOG/advisories} by default, used when it exists
 * @param osv             OSV records images are scanned against too (a store, a directory of files or one
 *                        file); {@code CATALOG/osv} by default, used when it exists
 * @param storage         where queued builds' outputs go ({@code --storage}: a shared directory); null builds in
 *                        this process, set makes the reconciler enqueue package builds for {@code kiln worker}s
 * @param environment     the process environment the sandbox and monitors are given (the world is injected)
 * @param kubernetes      where package builds run: null for this host's sandbox ({@code --runner bubblewrap}), else
 *                        the cluster, shared volume and image of {@code --runner kubernetes}
 * @param buildEnvironment where build and test environments are installed from ({@code --repository-append},
 *                        {@code --keyring-append}, {@code --test-package-append}, {@code --hermetic}); none builds
 *                        over the host's toolchain, as before Kiln had packages of its own
 */
public record Settings(
        Path stateDir,
        Path cacheDir,
        Path repository,
        Path catalog,
        String arch,
        @Nullable Long sourceDateEpoch,
        Path packageKey,
        @Nullable Path imageKey,
        String imagePassphrase,
        List<Path> pipelineDirs,
        Upstreams upstreams,
        String database,
        Path advisories,
        Path osv,
        @Nullable String storage,
        Map<String, String> environment,
        dev.kiln.server.kubernetes.@Nullable KubernetesSettings kubernetes,
        dev.kiln.build.EnvironmentSources buildEnvironment) {

    /** The namespace of packages, their purls and SBOMs. */
    public static final String NAMESPACE = "kiln";

    /** Where upstream monitors look, and the patch program bumps use. */
    public record Upstreams(String githubApi, String releaseMonitoringApi, String patch) {
        public static final Upstreams DEFAULT =
                new Upstreams("https://api.github.com", "https://release-monitoring.org", "patch");
    }

    public Settings {
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(cacheDir, "cacheDir");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(packageKey, "packageKey");
        Objects.requireNonNull(database, "database");
        pipelineDirs = List.copyOf(pipelineDirs);
        upstreams = upstreams == null ? Upstreams.DEFAULT : upstreams;
        imagePassphrase = imagePassphrase == null ? "" : imagePassphrase;
        environment = Map.copyOf(environment);
        Objects.requireNonNull(buildEnvironment, "buildEnvironment");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Without the environment, the passphrase or the database's credentials: settings get logged, secrets must not. */
    @Override
    public String toString() {
        return "Settings[stateDir=" + stateDir + ", cacheDir=" + cacheDir + ", repository=" + repository + ", catalog="
                + catalog + ", arch="
                + arch
                + ", sourceDateEpoch=" + sourceDateEpoch + ", packageKey=" + packageKey + ", imageKey=" + imageKey
                + ", pipelineDirs=" + pipelineDirs + ", upstreams=" + upstreams + ", database="
                + database.replaceFirst("\\?.*$", "").replaceFirst("//[^/@]*@", "//") + ", advisories=" + advisories
                + ", osv=" + osv + ", storage=" + storage + ", kubernetes=" + kubernetes + ", buildEnvironment="
                + buildEnvironment + "]";
    }

    public Path workDir() {
        return stateDir.resolve("work");
    }

    public Path logDir() {
        return stateDir.resolve("logs");
    }

    /**
     * The options every package build starts from, whichever command asks ({@code kiln build}, {@code kiln up},
     * {@code kiln update}): this architecture, repository, cache, work, log directories and build epoch, under
     * the {@code kiln} namespace, online, workspace removed, default limits, no source directory. Commands
     * change what their flags say with the options' withers.
     */
    public dev.kiln.build.BuildOptions buildOptions(
            dev.kiln.apk.ApkSigningKey packageSigningKey, dev.kiln.build.BuildListener listener) {
        return new dev.kiln.build.BuildOptions(
                        arch,
                        repository,
                        cacheDir,
                        workDir(),
                        logDir(),
                        packageSigningKey,
                        // the declared epoch, else 0: a build of a recipe replaces it with the recipe's BuildTime
                        sourceDateEpoch == null ? 0 : sourceDateEpoch,
                        NAMESPACE,
                        false,
                        false,
                        null,
                        listener)
                .withEnvironment(buildEnvironment);
    }

    /**
     * The repositories appended to build environments, as absolute paths, without this catalog's own repository
     * (images name that one in their configs).
     */
    public List<String> appendedRepositories() {
        String own = repository.toAbsolutePath().normalize().toString();
        return buildEnvironment.repositories().stream()
                .map(r -> dev.kiln.apk.LocalRepositories.directory(buildEnvironment.baseDir(), r)
                        .toAbsolutePath()
                        .normalize()
                        .toString())
                .filter(r -> !r.equals(own))
                .toList();
    }

    /** True when package builds resolve their environments from repositories rather than the host's toolchain. */
    public boolean buildsFromRepositories() {
        return !buildEnvironment.repositories().isEmpty();
    }

    /**
     * The package builder every command builds with: steps in this host's bubblewrap sandbox, or, with
     * {@code --runner kubernetes}, as one Job per build (the recipe's tests still run in the local sandbox).
     *
     * @throws SettingsException when the Kubernetes settings lack the image or their volume is not mounted
     */
    public dev.kiln.build.PackageBuilder packageBuilder(java.net.http.HttpClient http) {
        dev.kiln.sandbox.Sandbox sandbox = dev.kiln.sandbox.BubblewrapSandbox.fromEnvironment(environment);
        dev.kiln.server.kubernetes.KubernetesSettings cluster = kubernetes;
        dev.kiln.build.PackageBuilder builder = cluster == null
                ? new dev.kiln.build.PackageBuilder(sandbox, http)
                : new dev.kiln.build.PackageBuilder(
                        sandbox,
                        new dev.kiln.server.kubernetes.KubernetesBuildRunner(cluster),
                        http,
                        Clock.systemUTC());
        String shared = storage;
        if (shared != null && shared.toLowerCase(java.util.Locale.ROOT).startsWith("s3://")) {
            // workers (and in-process builds) over one bucket share the upstream tarballs they fetch
            return builder.withSharedSources(dev.kiln.server.queue.S3SourceStore.of(shared, environment));
        }
        return builder;
    }

    /** The APKINDEX of the built architecture. */
    public Path index() {
        return repository.resolve(arch).resolve("APKINDEX.tar.gz");
    }

    /** When a build of {@code recipe} says it was built: the configured epoch, else the recipe's last commit time. */
    public dev.kiln.build.BuildTime buildTime(Path recipe) {
        return dev.kiln.build.BuildTime.of(sourceDateEpoch, recipe);
    }

    /** The epoch images are stamped with: the configured one, else null (the newest package's build date). */
    public @Nullable Long imageEpoch() {
        return sourceDateEpoch == null || sourceDateEpoch == 0 ? null : sourceDateEpoch;
    }

    /** The clock of signatures and attestations: fixed at the configured epoch, else {@code system}. */
    public Clock signingClock(Clock system) {
        return sourceDateEpoch == null ? system : Clock.fixed(Instant.ofEpochSecond(sourceDateEpoch), ZoneOffset.UTC);
    }

    /**
     * {@code $SOURCE_DATE_EPOCH} in seconds, or null when unset or blank; the one reading of the variable,
     * so every command rejects a bad value with the same message.
     */
    public static @Nullable Long sourceDateEpoch(Map<String, String> env) {
        String value = env.get("SOURCE_DATE_EPOCH");
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new SettingsException("SOURCE_DATE_EPOCH must be a number of seconds, got '" + value + "'");
        }
    }

    /** The host's APK architecture name. */
    public static String hostArch() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> arch;
        };
    }

    /**
     * Collects what the command line said; {@link #build(Map)} fills in the rest. Unset values take the
     * defaults: state {@code .kiln}, repository {@code packages}, catalog {@code examples}, the host's
     * architecture, keys under {@code STATE/keys/}, SQLite at {@code STATE/kiln.db}.
     */
    public static final class Builder {
        private @Nullable Path stateDir;
        private @Nullable Path cacheDir;
        private @Nullable Path repository;
        private @Nullable Path catalog;
        private @Nullable String arch;
        private @Nullable Long sourceDateEpoch;
        private @Nullable Path packageKey;
        private @Nullable Path imageKey;
        private boolean unsignedImages;
        private List<Path> pipelineDirs = List.of();
        private @Nullable Upstreams upstreams;
        private @Nullable String database;
        private @Nullable Path advisories;
        private @Nullable Path osv;
        private @Nullable String storage;
        private dev.kiln.server.kubernetes.@Nullable KubernetesSettings kubernetes;
        private dev.kiln.build.EnvironmentSources buildEnvironment = dev.kiln.build.EnvironmentSources.NONE;
        private boolean ownRepositoryFirst;

        private Builder() {}

        /** Where build and test environments come from; {@link dev.kiln.build.EnvironmentSources#NONE} by default. */
        public Builder buildEnvironment(dev.kiln.build.EnvironmentSources sources) {
            this.buildEnvironment = sources;
            return this;
        }

        /**
         * A catalog's recipes build on each other (curl on openssl-dev): when environments come from repositories,
         * the catalog's own repository is searched first, before the appended ones.
         */
        public Builder catalogEnvironment(dev.kiln.build.EnvironmentSources sources) {
            this.buildEnvironment = sources;
            this.ownRepositoryFirst = true;
            return this;
        }

        /** Run package builds as Kubernetes Jobs with these settings; null (the default) runs them on this host. */
        public Builder kubernetes(dev.kiln.server.kubernetes.@Nullable KubernetesSettings value) {
            this.kubernetes = value;
            return this;
        }

        public Builder stateDir(@Nullable Path dir) {
            this.stateDir = dir;
            return this;
        }

        /** The source cache; null for {@code STATE/cache}. */
        public Builder cacheDir(@Nullable Path dir) {
            this.cacheDir = dir;
            return this;
        }

        public Builder repository(@Nullable Path dir) {
            this.repository = dir;
            return this;
        }

        public Builder catalog(@Nullable Path dir) {
            this.catalog = dir;
            return this;
        }

        public Builder arch(@Nullable String value) {
            this.arch = value;
            return this;
        }

        /** An explicit epoch (from a flag); null leaves {@code $SOURCE_DATE_EPOCH} to decide. */
        public Builder sourceDateEpoch(@Nullable Long seconds) {
            this.sourceDateEpoch = seconds;
            return this;
        }

        public Builder packageKey(@Nullable Path key) {
            this.packageKey = key;
            return this;
        }

        public Builder imageKey(@Nullable Path key) {
            this.imageKey = key;
            return this;
        }

        /** Push images without signatures and attestations. */
        public Builder unsignedImages(boolean unsigned) {
            this.unsignedImages = unsigned;
            return this;
        }

        public Builder pipelineDirs(List<Path> dirs) {
            this.pipelineDirs = dirs;
            return this;
        }

        public Builder upstreams(@Nullable Upstreams value) {
            this.upstreams = value;
            return this;
        }

        /**
         * The state store: {@code postgresql://[user[:password]@]host[:port]/db}, {@code sqlite:FILE}, or a
         * {@code jdbc:} URL; null for SQLite under the state directory.
         */
        public Builder database(@Nullable String url) {
            this.database = url;
            return this;
        }

        /** The advisory documents or compiled feed to scan images against; null for {@code CATALOG/advisories}. */
        public Builder advisories(@Nullable Path path) {
            this.advisories = path;
            return this;
        }

        /** OSV records to scan images against; null for {@code CATALOG/osv}. */
        public Builder osv(@Nullable Path path) {
            this.osv = path;
            return this;
        }

        /** Where queued builds' outputs go; null (the default) builds packages in this process. */
        public Builder storage(@Nullable String value) {
            this.storage = value == null || value.isBlank() ? null : value;
            return this;
        }

        public Settings build(Map<String, String> env) {
            Path state = stateDir != null ? stateDir : Path.of(".kiln");
            Long epoch = sourceDateEpoch != null ? sourceDateEpoch : Settings.sourceDateEpoch(env);
            Path images = unsignedImages ? null : imageKey != null ? imageKey : state.resolve("keys/image.key");
            Path catalogDir = catalog != null ? catalog : Path.of("examples");
            Path repositoryDir = repository != null ? repository : Path.of("packages");
            dev.kiln.build.EnvironmentSources sources = buildEnvironment;
            if (ownRepositoryFirst && !sources.repositories().isEmpty()) {
                sources = new dev.kiln.build.EnvironmentSources(
                                List.of(repositoryDir.toAbsolutePath().toString()), List.of(), false, sources.baseDir())
                        .and(sources);
            }
            return new Settings(
                    state,
                    cacheDir != null ? cacheDir : state.resolve("cache"),
                    repositoryDir,
                    catalogDir,
                    arch != null ? arch : hostArch(),
                    epoch,
                    packageKey != null ? packageKey : state.resolve("keys/kiln.rsa"),
                    images,
                    env.getOrDefault("KILN_PASSWORD", ""),
                    pipelineDirs,
                    upstreams != null ? upstreams : Upstreams.DEFAULT,
                    DatabaseUrl.jdbc(database, state),
                    advisories != null ? advisories : catalogDir.resolve("advisories"),
                    osv != null ? osv : catalogDir.resolve("osv"),
                    storage,
                    env,
                    kubernetes,
                    sources);
        }
    }
}
