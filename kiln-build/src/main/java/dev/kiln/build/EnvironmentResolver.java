package dev.kiln.build;

import dev.kiln.apk.ApkException;
import dev.kiln.apk.ApkPackage;
import dev.kiln.apk.ApkReader;
import dev.kiln.apk.IndexEntry;
import dev.kiln.apk.LocalRepositories;
import dev.kiln.apk.RepositoryPackage;
import dev.kiln.apk.ResolveException;
import dev.kiln.apk.Resolver;
import dev.kiln.apk.TrustedKeys;
import dev.kiln.recipe.BuildPlan;
import dev.kiln.recipe.FetchStep;
import dev.kiln.recipe.GitCheckoutStep;
import dev.kiln.recipe.Step;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Resolves build and test environments with Kiln's one resolver against the recipe's own local
 * repositories ({@code environment.contents.repositories}, remote ones skipped) and the build's
 * ({@code --repository-append}), trusting the build's signing key, the recipe's local keyring and
 * {@code --keyring-append}. Every index and package is verified before it is used.
 */
final class EnvironmentResolver {
    private final String arch;
    /** Null when no repository is configured; then {@code names} is empty and nothing is fetched. */
    private final @Nullable LocalRepositories repositories;

    private final List<String> names;
    private final List<RepositoryPackage> available;

    private EnvironmentResolver(String arch, @Nullable LocalRepositories repositories, List<String> names) {
        this.arch = arch;
        this.repositories = repositories;
        this.names = List.copyOf(names);
        this.available = names.isEmpty()
                ? List.of()
                : Objects.requireNonNull(repositories, "repositories to read " + names + " from")
                        .packages(names, arch);
    }

    /** The resolver for {@code plan} built with {@code options}; it knows no package when no repository is configured. */
    static EnvironmentResolver of(BuildPlan plan, BuildOptions options) {
        EnvironmentSources sources = options.environment();
        List<String> repos = new ArrayList<>();
        for (String r : plan.environmentRepositories()) {
            if (!(r.contains("://") && !r.startsWith("file:"))) {
                repos.add(r);
            }
        }
        repos.addAll(sources.repositories());
        if (repos.isEmpty()) {
            // nothing to resolve from: the host-toolchain stage, whatever keys the recipe names
            return new EnvironmentResolver(options.arch(), null, List.of());
        }
        List<Path> keyFiles = new ArrayList<>(sources.keyring());
        for (String k : plan.environmentKeyring()) {
            if (!k.contains("://")) {
                keyFiles.add(sources.baseDir().resolve(k));
            }
        }
        TrustedKeys keys = TrustedKeys.of(options.signingKey());
        if (!keyFiles.isEmpty()) {
            keys = keys.and(TrustedKeys.load(keyFiles));
        }
        try {
            return new EnvironmentResolver(options.arch(), new LocalRepositories(sources.baseDir(), keys), repos);
        } catch (ApkException e) {
            throw new BuildException("build environment of " + plan.name(), e.getMessage(), e);
        }
    }

    /**
     * The packages that only the built-in {@code fetch} and {@code git-checkout} pipelines need (melange runs
     * them in the guest; Kiln does them itself before the sandbox): they are installed when the repositories
     * have them and left out when not, since nothing in the guest runs them.
     */
    static Set<String> nativeStepNeeds(List<Step> steps) {
        Set<String> out = new TreeSet<>();
        for (Step s : steps) {
            if (s instanceof FetchStep) {
                out.add("wget");
            } else if (s instanceof GitCheckoutStep) {
                out.add("git");
            }
        }
        return out;
    }

    // only packages of `available` are fetched, and it is empty when there are no repositories
    private ApkPackage fetch(RepositoryPackage p, ApkReader.DataSink sink) {
        return Objects.requireNonNull(repositories, "no repository to fetch " + p + " from")
                .fetch(p, arch, sink);
    }

    /** True when every atom of {@code world} but the {@code optional} ones resolves against the configured repositories. */
    boolean provides(List<String> world, Set<String> optional) {
        List<String> required =
                world.stream().filter(a -> !optional.contains(a)).toList();
        return !available.isEmpty()
                && !required.isEmpty()
                && new Resolver(available, arch, names)
                        .resolveAvailable(required)
                        .unresolved()
                        .isEmpty();
    }

    /** Resolves {@code world} completely, against the repositories only; {@code optional} atoms only if available. */
    ResolvedEnvironment resolve(String what, List<String> world, Set<String> optional) {
        return resolve(what, world, optional, List.of());
    }

    /**
     * Resolves {@code world} completely against {@code built} (packages of this build, not published yet,
     * preferred over any repository's) and the repositories.
     */
    ResolvedEnvironment resolve(String what, List<String> world, Set<String> optional, List<ApkPackage> built) {
        IdentityHashMap<RepositoryPackage, ApkPackage> local = new IdentityHashMap<>();
        List<RepositoryPackage> all = new ArrayList<>();
        for (ApkPackage apk : built) {
            RepositoryPackage p = new RepositoryPackage(IndexEntry.of(apk, apk.fileSize()), "(this build)", -1);
            local.put(p, apk);
            all.add(p);
        }
        all.addAll(available);
        List<String> repoNames = new ArrayList<>();
        repoNames.add("(this build)");
        repoNames.addAll(names);
        Resolver resolver = new Resolver(all, arch, repoNames);
        List<String> wanted = world.stream()
                .filter(a -> !optional.contains(a)
                        || resolver.resolveAvailable(List.of(a)).unresolved().isEmpty())
                .toList();
        try {
            List<RepositoryPackage> packages = resolver.resolve(wanted);
            return new ResolvedEnvironment(packages, (p, sink) -> {
                ApkPackage own = local.get(p);
                // this build's own packages were checked as they were written; read them again to install
                return own == null ? fetch(p, sink) : ApkReader.read(own.file(), sink);
            });
        } catch (ResolveException e) {
            throw new BuildException(
                    what, "cannot resolve the environment " + world + " from " + names + ": " + e.getMessage(), e);
        }
    }
}
