package dev.kiln.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.build.source.GitCheckout;
import dev.kiln.build.source.SourceCache;
import dev.kiln.build.source.SourceFetcher;
import dev.kiln.recipe.ShellStep;
import dev.kiln.recipe.Step;
import dev.kiln.sandbox.BubblewrapSandbox;
import dev.kiln.sandbox.IdentityMap;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The steps as one script for a remote runner: each step rendered exactly as the sandbox runs it, in order, with
 * its environment, the local runner's log header, and the failing step recorded. Nothing runs here (the sandbox is
 * never started); KubernetesBuildSimulationIT runs such a script.
 */
class BuildStepsTest {
    @TempDir
    Path dir;

    BuildSteps steps(List<Step> plan) throws Exception {
        Workspace workspace = Workspace.create(dir.resolve("work"), "probe", dir.resolve("logs/probe.log"), false);
        BuildOptions options = new BuildOptions(
                "x86_64",
                dir.resolve("repo"),
                dir.resolve("cache"),
                dir.resolve("work"),
                dir.resolve("logs"),
                BuildFixture.KEY,
                1700000000,
                "kiln",
                true,
                false,
                null,
                BuildListener.NONE);
        // never started: planning and rendering run nothing
        BubblewrapSandbox sandbox = new BubblewrapSandbox(
                dir.resolve("no-bwrap"),
                dir,
                new IdentityMap(IdentityMap.Kind.CALLER, 1000, 1000, 1),
                Duration.ofSeconds(1));
        BuildDeadline deadline = BuildDeadline.start(Duration.ofMinutes(5), BuildLimits.DEFAULT);
        StepRunner runner = new StepRunner(
                sandbox,
                new SourceFetcher(new SourceCache(dir.resolve("cache")), HttpClient.newHttpClient(), true),
                new GitCheckout(dir.resolve("cache"), true),
                workspace,
                options,
                Map.of("GREETING", "hi"),
                List.of(),
                OutputStream.nullOutputStream(),
                deadline,
                null);
        return new BuildSteps(
                "probe",
                workspace.root(),
                Map.of(),
                new dev.kiln.recipe.Resources(null, null, null, null),
                deadline,
                OutputStream.nullOutputStream(),
                runner.plan("probe", plan),
                runner);
    }

    @Test
    void eachStepIsRenderedAsTheSandboxRunsItInOrderWithItsEnvironment() throws Exception {
        String script = steps(List.of(
                        new ShellStep("first", "echo one\n", "/home/build", Map.of()),
                        new ShellStep("second", "echo \"$X\"\n", "/home/build/sub", Map.of("X", "it's"))))
                .script();

        String first = GuestEnvironment.script("/home/build", "echo one\n");
        String second = GuestEnvironment.script("/home/build/sub", "echo \"$X\"\n");
        assertThat(script).contains(first).contains(second);
        assertThat(script.indexOf(first)).isLessThan(script.indexOf(second));
        assertThat(script)
                .contains("export GREETING='hi'\n")
                .contains("export X='it'\\''s'\n")
                .contains("export SOURCE_DATE_EPOCH='1700000000'\n")
                .contains("printf '%s' '\n==> probe: first\n'\n")
                .contains("printf '%s' '\n==> probe: second\n'\n");
        assertThat(script.substring(0, script.indexOf("==> probe: second")))
                .as("a step's own variable is exported in its subshell only")
                .doesNotContain("export X=")
                .contains("> '/home/build/.kiln/failed-step'");
        assertThat(script).startsWith("# Kiln").contains("\nset +e\n").endsWith("exit 0\n");
    }

    @Test
    void aVariableAShellCannotExportIsRefusedNamingTheStep() throws Exception {
        BuildSteps steps = steps(List.of(new ShellStep("odd", "true\n", "/home/build", Map.of("NOT-A-NAME", "x"))));
        assertThatThrownBy(steps::script)
                .isInstanceOf(BuildException.class)
                .hasMessageContaining("odd")
                .hasMessageContaining("'NOT-A-NAME'");
    }
}
