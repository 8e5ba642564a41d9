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

/** {@code kiln build --hermetic --repository-append --keyring-append}, end to end with a static busybox. */
class HermeticBuildCliIT {

    @Test
    void buildsInAnEnvironmentFromTheAppendedRepositoryTrustingTheAppendedKey(@TempDir Path dir) throws Exception {
        Tools.require(
                Files.isExecutable(Path.of("/bin/busybox")),
                "/bin/busybox is missing",
                "apt-get install busybox-static");
        ApkSigningKey repoKey = ApkSigningKey.generate(2048, "env.rsa");
        repoKey.writePem(dir.resolve("env.rsa"), dir.resolve("env.rsa.pub"));
        TestPackages busybox = TestPackages.hostBusybox(List.of("sh", "mkdir", "test"));
        Path repo = TestPackages.publish(dir.resolve("env-repo"), "x86_64", repoKey, List.of(busybox));
        Path recipe = dir.resolve("probe.yaml");
        Files.writeString(recipe, UpFixtures.onBusybox("probe", "1.0", "probe", List.of(), """
                pipeline:
                  - runs: |
                      test ! -e /usr/bin/apt-get
                      mkdir -p ${{targets.destdir}}/usr/share/probe
                """));

        CliRun run = CliRun.of(
                "build",
                recipe.toString(),
                "--arch",
                "x86_64",
                "--hermetic",
                "--repository-append",
                repo.toString(),
                "--keyring-append",
                dir.resolve("env.rsa.pub").toString(),
                "--state-dir",
                dir.resolve("state").toString(),
                "--out-dir",
                dir.resolve("packages").toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out() + run.err()).contains("environment of probe: installed 1 packages ");
        assertThat(dir.resolve("packages/x86_64/probe-1.0-r0.apk")).exists();
    }
}
