package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.apk.ApkSigningKey;
import dev.kiln.testkit.TestPackages;
import dev.kiln.testkit.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln up} over a catalog built on appended repositories, as the distribution's catalog is built on the
 * toolchain bootstrap: every build hermetic, in rebuild order, resolving from the catalog's own repository first
 * ({@code app}, alphabetically first, needs {@code greeting}, which the same run builds), tests with busybox
 * appended; then the image of the result, with a package of the appended repository, pushed.
 */
class UpFromRepositoriesIT {
    static final String GREETING = UpFixtures.onBusybox("greeting", "1.0.0", "a greeting", List.of(), """
            pipeline:
              - runs: |
                  test ! -e /usr/bin/apt-get
                  mkdir -p ${{targets.destdir}}/usr/share/greeting
                  echo hello > ${{targets.destdir}}/usr/share/greeting/words
            """);

    static final String APP =
            UpFixtures.onBusybox("app", "1.0.0", "an application built on the greeting", List.of("greeting"), """
            pipeline:
              - runs: |
                  mkdir -p ${{targets.destdir}}/usr/share/app
                  cp /usr/share/greeting/words ${{targets.destdir}}/usr/share/app/words
            test:
              pipeline:
                - runs: grep -q hello /usr/share/app/words
            """);

    static final String IMAGE = """
            contents:
              repositories:
                - ../../packages
              keyring:
                - ../../.kiln/keys/kiln.rsa.pub
              packages:
                - app
                - busybox # from the appended repository only, as a catalog image's glibc is
            entrypoint:
              command: /usr/share/app/words
            archs:
              - x86_64
            """;

    @Test
    void buildsTheCatalogHermeticallyInRebuildOrderOnTheAppendedRepository(@TempDir Path dir) throws Exception {
        Tools.require(
                Files.isExecutable(Path.of("/bin/busybox")),
                "/bin/busybox is missing",
                "apt-get install busybox-static");
        ApkSigningKey toolchainKey = ApkSigningKey.generate(2048, "toolchain.rsa");
        toolchainKey.writePem(dir.resolve("toolchain.rsa"), dir.resolve("toolchain.rsa.pub"));
        TestPackages busybox = TestPackages.hostBusybox(List.of("sh", "mkdir", "cp", "grep", "test", "echo"));
        Path toolchain = TestPackages.publish(dir.resolve("toolchain"), "x86_64", toolchainKey, List.of(busybox));
        Path catalog = dir.resolve("catalog");
        Files.writeString(Files.createDirectories(catalog.resolve("recipes")).resolve("app.yaml"), APP);
        Files.writeString(catalog.resolve("recipes/greeting.yaml"), GREETING);
        Files.writeString(Files.createDirectories(catalog.resolve("images")).resolve("app.yaml"), IMAGE);

        CliRun run = CliRun.of(UpFixtures.once(
                dir,
                catalog,
                "--no-sign",
                "--hermetic",
                "--repository-append",
                toolchain.toString(),
                "--keyring-append",
                dir.resolve("toolchain.rsa.pub").toString(),
                "--test-package-append",
                "busybox"));

        String output = run.out() + run.err();
        assertThat(run.exitCode()).as(output).isZero();
        assertThat(output)
                .contains("environment of greeting: installed 1 packages ")
                .contains("environment of app: installed 2 packages ")
                .contains("installed 2 packages for test of app ");
        assertThat(output.indexOf("building greeting")).isLessThan(output.indexOf("building app"));
        assertThat(dir.resolve("packages/x86_64/greeting-1.0.0-r0.apk")).exists();
        assertThat(dir.resolve("packages/x86_64/app-1.0.0-r0.apk")).exists();
        assertThat(output).contains("1 images (1 pushed").doesNotContain("FAILED");
    }
}
