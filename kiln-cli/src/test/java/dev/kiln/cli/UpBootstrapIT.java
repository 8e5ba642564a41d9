package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testkit.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln up --bootstrap}: the toolchain bootstrap first (here a one-recipe plan: a static busybox, stage 1 over
 * the host), then the catalog hermetically on its packages, the stage shown as it goes; a second run builds nothing.
 */
class UpBootstrapIT {
    static final String APP =
            UpFixtures.onBusybox("app", "1.0.0", "an application built on the bootstrap", List.of(), """
            pipeline:
              - runs: |
                  test ! -e /usr/bin/apt-get
                  mkdir -p ${{targets.destdir}}/usr/share/app
                  echo built on the bootstrap > ${{targets.destdir}}/usr/share/app/words
            """);

    @Test
    void buildsTheBootstrapThenTheCatalogOnItAndASecondRunBuildsNothing(@TempDir Path dir) throws Exception {
        Tools.require(
                Files.isExecutable(Path.of("/bin/busybox")),
                "/bin/busybox is missing",
                "apt-get install busybox-static");
        Path plan = Files.createDirectories(dir.resolve("toolchain")).resolve("plan.yaml");
        Files.writeString(plan.resolveSibling("busybox.yaml"), UpFixtures.staticBusyboxRecipe("sh mkdir test cat"));
        Files.writeString(plan, "name: t\nstage1: host-toolchain\nrecipes:\n  - busybox.yaml\n");
        Path catalog = dir.resolve("catalog");
        Files.writeString(Files.createDirectories(catalog.resolve("recipes")).resolve("app.yaml"), APP);
        String[] up = UpFixtures.once(
                dir,
                catalog,
                "--no-sign",
                "--bootstrap",
                plan.toString(),
                "--bootstrap-cache",
                dir.resolve("bootstrap-cache").toString());

        CliRun first = CliRun.of(up);

        String output = first.out() + first.err();
        assertThat(first.exitCode()).as(output).isZero();
        assertThat(output)
                .contains("==> stage 1 (host toolchain)")
                .contains("[1/1] stage 1: busybox: built")
                .contains("environment of app: installed 1 packages ");
        assertThat(dir.resolve("bootstrap-cache/stage-1/x86_64/busybox-1.0-r0.apk"))
                .exists();
        assertThat(dir.resolve("packages/x86_64/app-1.0.0-r0.apk")).exists();

        CliRun second = CliRun.of(up);

        String again = second.out() + second.err();
        assertThat(second.exitCode()).as(again).isZero();
        assertThat(again).contains("[1/1] stage 1: busybox: up to date").contains("1 recipes (0 built, 1 up to date)");
    }
}
