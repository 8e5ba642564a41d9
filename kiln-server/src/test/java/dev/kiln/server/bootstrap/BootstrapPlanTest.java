package dev.kiln.server.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bootstrap plans: what they say, every problem at once with its line and column, and the default cache. */
class BootstrapPlanTest {
    @TempDir
    Path dir;

    @Test
    void readsTheRecipesInOrderRelativeToThePlan() throws IOException {
        Files.writeString(dir.resolve("b.yaml"), "");
        Files.writeString(dir.resolve("a.yaml"), "");
        Path file = dir.resolve("plan.yaml");
        Files.writeString(file, """
                name: t
                stage1: host-toolchain
                recipes:
                  - b.yaml
                  - a.yaml
                test-package-append: [busybox, bash]
                """);

        BootstrapPlan plan = BootstrapPlan.load(file);

        assertThat(plan.name()).isEqualTo("t");
        assertThat(plan.recipes()).containsExactly(dir.resolve("b.yaml"), dir.resolve("a.yaml"));
        assertThat(plan.only(List.of("a")).recipes()).containsExactly(dir.resolve("a.yaml"));
        assertThatThrownBy(() -> plan.only(List.of("c"))).hasMessageContaining("has no recipe c; it has b, a");
        assertThat(plan.testPackages()).containsExactly("busybox", "bash");
        assertThat(plan.only(List.of("a")).testPackages()).containsExactly("busybox", "bash");
    }

    @Test
    void reportsEveryProblemWithItsLineAndColumn() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), "");
        Path file = dir.resolve("plan.yaml");
        Files.writeString(file, """
                name: t
                stage1: hermetic
                colour: red
                recipes:
                  - a.yaml
                  - a.yaml
                  - gone.yaml
                test-package-append: busybox
                """);

        assertThatThrownBy(() -> BootstrapPlan.load(file))
                .isInstanceOf(BootstrapException.class)
                .hasMessageContaining(file + ":1:1: stage1 must be 'host-toolchain', got 'hermetic'")
                .hasMessageContaining(
                        file + ":3:1: unknown key 'colour'; expected one of name, stage1, recipes, test-package-append")
                .hasMessageContaining(file + ":6:5: recipe 'a.yaml' is listed twice")
                .hasMessageContaining(file + ":7:5: recipe 'gone.yaml' not found")
                .hasMessageContaining(file + ":8:22: test-package-append: expected a list of package names");
    }

    @Test
    void thePlanMustSayThatStageOneUsesTheHostToolchain() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), "");
        Path file = dir.resolve("plan.yaml");
        Files.writeString(file, "name: t\nrecipes: [a.yaml]\n");

        assertThatThrownBy(() -> BootstrapPlan.load(file)).hasMessageContaining("'stage1: host-toolchain' is required");
    }

    @Test
    void theCacheLivesUnderXdgCacheHomeElseHomeDotCache() {
        assertThat(BootstrapCache.defaultFor(Map.of("XDG_CACHE_HOME", "/x/cache", "HOME", "/home/u"))
                        .root())
                .isEqualTo(Path.of("/x/cache/kiln/bootstrap"));
        assertThat(BootstrapCache.defaultFor(Map.of("HOME", "/home/u")).root())
                .isEqualTo(Path.of("/home/u/.cache/kiln/bootstrap"));
        assertThat(BootstrapCache.defaultFor(Map.of("XDG_CACHE_HOME", "relative", "HOME", "/home/u"))
                        .root())
                .isEqualTo(Path.of("/home/u/.cache/kiln/bootstrap"));
    }
}
