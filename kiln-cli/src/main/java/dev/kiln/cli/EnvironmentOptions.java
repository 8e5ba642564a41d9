package dev.kiln.cli;

import dev.kiln.build.EnvironmentSources;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Where build and test environments come from, with melange's flag names: {@code kiln build} and {@code kiln up}
 * share them so a catalog builds the same way one recipe does.
 */
final class EnvironmentOptions {
    @Option(
            names = "--repository-append",
            paramLabel = "DIR",
            description = "local APK repository that build and test environments are installed from, after the"
                    + " recipe's own environment.contents.repositories; repeatable")
    List<String> repositoryAppend = new ArrayList<>();

    @Option(
            names = "--keyring-append",
            paramLabel = "KEY",
            description = "public key (or directory of keys) trusted for those repositories, besides the signing key"
                    + " and the recipe's keyring; repeatable")
    List<Path> keyringAppend = new ArrayList<>();

    @Option(
            names = "--test-package-append",
            paramLabel = "PKG",
            split = ",",
            description = "package added to every test environment, as melange's (Wolfi appends its base set, so that"
                    + " test pipelines have a shell); repeatable or comma-separated")
    List<String> testPackageAppend = new ArrayList<>();

    @Option(
            names = "--hermetic",
            description = "always build in an environment installed from packages (the default when the"
                    + " repositories provide every package the recipe's environment names; otherwise the build runs"
                    + " over the host's /usr, the host-toolchain stage)")
    boolean hermetic;

    /** The sources as given, relative paths taken from the working directory. */
    EnvironmentSources sources() {
        return new EnvironmentSources(
                repositoryAppend, keyringAppend, hermetic, Path.of("").toAbsolutePath(), testPackageAppend);
    }
}
