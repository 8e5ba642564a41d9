package dev.kiln.build;

import java.nio.file.Path;
import java.util.List;

/**
 * Where a build environment's packages come from, besides what the recipe names itself (melange's
 * {@code --repository-append} and {@code --keyring-append}), and whether the build must be hermetic.
 *
 * @param repositories APK repositories ({@code DIR} or {@code file:DIR}) searched after the recipe's own
 * @param keyring      public keys (files or directories of them) trusted besides the build's signing key
 * @param hermetic     always build in an environment installed from packages ({@code kiln build --hermetic});
 *                     otherwise only when the configured repositories provide every package the recipe's
 *                     environment names, and in the host-toolchain stage when they do not
 * @param baseDir      what relative repository and key paths are relative to
 * @param testPackages packages added to every test environment (melange's {@code --test-package-append}; Wolfi
 *                     appends a base set with a shell, since its recipes' test pipelines run shell scripts
 *                     without naming a shell); only for tests in environments installed from packages
 */
public record EnvironmentSources(
        List<String> repositories, List<Path> keyring, boolean hermetic, Path baseDir, List<String> testPackages) {
    /** No repositories: every build runs in the host-toolchain stage, as before Kiln had packages of its own. */
    public static final EnvironmentSources NONE = new EnvironmentSources(List.of(), List.of(), false, Path.of(""));

    public EnvironmentSources {
        repositories = List.copyOf(repositories);
        keyring = List.copyOf(keyring);
        baseDir = baseDir == null ? Path.of("") : baseDir;
        testPackages = List.copyOf(testPackages);
    }

    /**
     * These sources followed by {@code more}'s repositories, keys and test packages; hermetic when either is.
     * Relative paths of {@code more} must already be absolute (its base directory is not kept).
     */
    public EnvironmentSources and(EnvironmentSources more) {
        List<String> repos = new java.util.ArrayList<>(repositories);
        repos.addAll(more.repositories());
        List<Path> keys = new java.util.ArrayList<>(keyring);
        keys.addAll(more.keyring());
        List<String> tests = new java.util.ArrayList<>(testPackages);
        more.testPackages().stream().filter(t -> !tests.contains(t)).forEach(tests::add);
        return new EnvironmentSources(repos, keys, hermetic || more.hermetic(), baseDir, tests);
    }

    /** Sources that add nothing to test environments. */
    public EnvironmentSources(List<String> repositories, List<Path> keyring, boolean hermetic, Path baseDir) {
        this(repositories, keyring, hermetic, baseDir, List.of());
    }
}
