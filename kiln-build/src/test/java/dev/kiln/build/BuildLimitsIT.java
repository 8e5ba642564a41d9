package dev.kiln.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.recipe.RecipeException;
import dev.kiln.sandbox.BubblewrapSandbox;
import dev.kiln.sandbox.SandboxLimits;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole-build timeout and the sandbox ceilings, with real builds under bubblewrap. */
class BuildLimitsIT {

    private static String recipe(String timeoutLine, String script) {
        return """
                package:
                  name: slow
                  version: "1.0"
                  epoch: 0
                  description: "takes its time"
                %s  copyright:
                    - license: MIT
                pipeline:
                  - name: first
                    runs: |
                      mkdir -p ${{targets.destdir}}/usr/share/slow && echo one > ${{targets.destdir}}/usr/share/slow/one
                  - name: dawdle
                    runs: |
                %s
                """.formatted(timeoutLine, script.indent(6).stripTrailing());
    }

    private static BuildResult build(BuildFixture f, Path recipe, BuildLimits limits) {
        BuildOptions options = new BuildOptions(
                        BuildFixture.ARCH,
                        f.repository,
                        f.cache,
                        f.root.resolve("work"),
                        f.root.resolve("logs"),
                        f.key,
                        0,
                        "kiln",
                        true,
                        false,
                        null,
                        BuildListener.NONE,
                        null)
                .withLimits(limits);
        return new PackageBuilder(BubblewrapSandbox.fromEnvironment(System.getenv()), HttpClient.newHttpClient())
                .build(f.compile(recipe), options);
    }

    private static long entries(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void packageTimeoutStopsTheWholeBuildNamesTheStepAndRemovesTheWorkspace(@TempDir Path dir) throws Exception {
        BuildFixture f = new BuildFixture(dir);
        Path recipe = f.writeRecipe("slow", recipe("  timeout: 2s\n", "sleep 120 & sleep 120"));

        assertThatThrownBy(() -> build(f, recipe, BuildLimits.DEFAULT))
                .isInstanceOf(BuildException.class)
                .hasMessageContaining("dawdle")
                .hasMessageContaining("timeout of 2s (package.timeout)");
        assertThat(entries(dir.resolve("work"))).isZero();
        assertThat(entries(f.repository)).isZero();
    }

    @Test
    void theDefaultTimeoutAppliesWhenTheRecipeSetsNone(@TempDir Path dir) {
        BuildFixture f = new BuildFixture(dir);
        Path recipe = f.writeRecipe("slow", recipe("", "sleep 120"));

        assertThatThrownBy(() -> build(f, recipe, new BuildLimits(Duration.ofSeconds(2), SandboxLimits.DEFAULT)))
                .isInstanceOf(BuildException.class)
                .hasMessageContaining("dawdle")
                .hasMessageContaining("the default build timeout");
    }

    @Test
    void aWorkspaceOverItsLimitIsNamed(@TempDir Path dir) throws Exception {
        BuildFixture f = new BuildFixture(dir);
        Path recipe = f.writeRecipe("slow", recipe("", "head -c 50000000 /dev/zero > big; sleep 120"));
        BuildLimits tight =
                new BuildLimits(Duration.ofMinutes(5), SandboxLimits.DEFAULT.withMaxWorkspaceBytes(10_000_000));

        assertThatThrownBy(() -> build(f, recipe, tight))
                .isInstanceOf(BuildException.class)
                .hasMessageContaining("dawdle")
                .hasMessageContaining("workspace grew past its limit of 10000000 bytes");
        assertThat(entries(dir.resolve("work"))).isZero();
    }

    @Test
    void aTimeoutThatIsNotADurationIsReportedWithItsPosition(@TempDir Path dir) {
        BuildFixture f = new BuildFixture(dir);
        Path recipe = f.writeRecipe("slow", recipe("  timeout: soon\n", "true"));

        assertThatThrownBy(() -> f.compile(recipe))
                .isInstanceOf(RecipeException.class)
                .hasMessageContaining("slow.yaml:6:")
                .hasMessageContaining("package.timeout")
                .hasMessageContaining("got 'soon'");
    }
}
