package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    static final Path ROOT =
            Path.of(System.getProperty("kiln.repo.root", "..")).toAbsolutePath().normalize();

    @Test
    void helpListsTheCommands() {
        CliRun run = CliRun.of("--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("build", "lint", "keygen", "index", "source", "package");
    }

    @Test
    void onlyTheInvokedSubcommandIsModelledAndEveryOneAnswersHelp() {
        assertThat(Kiln.newCommandLine("sign").getSubcommands()).containsOnlyKeys("sign", "help");
        assertThat(Kiln.newCommandLine("no-such-command").getSubcommands())
                .containsKeys("sign", "image", "registry", "up");
        for (String[] args :
                new String[][] {{"sign", "--help"}, {"image", "build", "--help"}, {"update", "check", "-h"}}) {
            CliRun run = CliRun.of(args);
            assertThat(run.exitCode()).as(String.join(" ", args)).isZero();
            assertThat(run.out())
                    .startsWith("Usage: kiln " + String.join(" ", args).replaceAll(" -.*", ""));
        }
        CliRun typo = CliRun.of("sing");
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.err()).contains("'sing'").contains("sign");
    }

    @Test
    void startupTrainingRunsEveryStepItExercises(@TempDir Path dir) {
        CliRun run = CliRun.of(
                "startup-training",
                dir.resolve("t").toString(),
                "--recipes",
                ROOT.resolve("examples/recipes").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(dir.resolve("t/layout/index.json")).content().contains(".sig", ".att", "train:1");
        assertThat(CliRun.of("--help").out()).doesNotContain("startup-training");
    }

    @Test
    void dryRunPrintsTheCompiledPlanWithoutBuilding(@TempDir Path dir) {
        CliRun run = CliRun.of(
                "build",
                ROOT.resolve("examples/recipes/hello.yaml").toString(),
                "--dry-run",
                "--state-dir",
                dir.toString(),
                "--out-dir",
                dir.resolve("packages").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("https://ftp.gnu.org/gnu/hello/hello-2.10.tar.gz")
                .contains("hello-doc");
        assertThat(dir.resolve("packages")).doesNotExist();
    }

    @Test
    void badRecipeIsRejectedWithFileLineAndColumnBeforeAnyWork(@TempDir Path dir) throws Exception {
        Path recipe = dir.resolve("bad.yaml");
        Files.writeString(recipe, """
                package:
                  name: bad
                  versoin: "1.0"
                  epoch: 0
                pipeline:
                  - runs: "true"
                """);
        CliRun run = CliRun.of(
                "build",
                recipe.toString(),
                "--state-dir",
                dir.toString(),
                "--out-dir",
                dir.resolve("packages").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("bad.yaml:3:3").contains("versoin");
        assertThat(dir.resolve("packages")).doesNotExist();
    }

    @Test
    void lintReportsAnUnterminatedReferenceWhereItIs(@TempDir Path dir) throws Exception {
        Path recipe = dir.resolve("typo.yaml");
        Files.writeString(recipe, """
                package:
                  name: typo
                  version: "1.0"
                  epoch: 0
                  description: ${{package.name} is one brace short
                pipeline:
                  - runs: "true"
                """);
        CliRun run = CliRun.of("lint", recipe.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("typo.yaml:5:16: unterminated '${{'").contains("1 failed to load");
    }

    @Test
    void upAndBuildRefuseAnIncompleteKubernetesRunnerBeforeAnyWork(@TempDir Path dir) throws Exception {
        CliRun up = CliRun.of(
                "up", "--runner", "kubernetes", "--kube-workspace", dir.toString(), "--state-dir", dir.toString());
        assertThat(up.exitCode()).isEqualTo(2);
        assertThat(up.err()).contains("--kube-image");

        Path recipe = dir.resolve("probe.yaml");
        Files.writeString(recipe, """
                package:
                  name: probe
                  version: "1.0"
                  epoch: 0
                  description: probe
                pipeline:
                  - runs: "true"
                """);
        CliRun unknown = CliRun.of("build", recipe.toString(), "--runner", "docker", "--state-dir", dir.toString());
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err())
                .contains("--runner")
                .contains("bubblewrap or kubernetes")
                .contains("'docker'");
    }
}
