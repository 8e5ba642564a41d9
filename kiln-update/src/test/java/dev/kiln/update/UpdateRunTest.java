package dev.kiln.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.apk.ApkIndex;
import dev.kiln.recipe.CompileOptions;
import dev.kiln.recipe.Recipe;
import dev.kiln.recipe.RecipeLoader;
import dev.kiln.testkit.FixtureGitRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One reconcile pass over a catalog: an updated library is published and its soname change
 * rebuilds its dependent; a broken upstream and an unreachable one are reported without stopping
 * the pass.
 */
class UpdateRunTest {
    static final String GIT_RECIPE = """
            package:
              name: NAME
              version: "1.0.0"
              epoch: 3
              description: d
              copyright:
                - license: MIT
            pipeline:
              - uses: git-checkout
                with:
                  repository: REPO
                  tag: v${{package.version}}
                  expected-commit: COMMIT
              - runs: make
            update:
              enabled: true
              git:
                strip-prefix: v
            """;

    @TempDir
    Path dir;

    Path recipe(Path catalog, String name, String repo, String commit) throws Exception {
        Path f = catalog.resolve(name + ".yaml");
        Files.writeString(
                f, GIT_RECIPE.replace("NAME", name).replace("REPO", repo).replace("COMMIT", commit));
        return f;
    }

    @Test
    void aPassPublishesUpdatesPropagatesSonamesAndContinuesPastFailures() throws Exception {
        Path catalog = Files.createDirectories(dir.resolve("catalog"));
        try (FixtureGitRepo lib = new FixtureGitRepo(dir.resolve("libfoo"));
                FixtureGitRepo broken = new FixtureGitRepo(dir.resolve("broken"))) {
            lib.commit("1.0.0", Map.of("foo.c", "1"));
            recipe(catalog, "libfoo", lib.url(), lib.lightweightTag("v1.0.0"));
            lib.commit("1.1.0", Map.of("foo.c", "2"));
            lib.lightweightTag("v1.1.0");
            broken.commit("1.0.0", Map.of("x.c", "1"));
            Path brokenRecipe = recipe(catalog, "broken", broken.url(), broken.lightweightTag("v1.0.0"));
            broken.commit("2.0.0", Map.of("x.c", "syntax error"));
            broken.lightweightTag("v2.0.0");
            byte[] brokenBefore = Files.readAllBytes(brokenRecipe);
            recipe(catalog, "gone", dir.resolve("no-such-repo").toUri().toString(), "a".repeat(40));
            Files.writeString(catalog.resolve("foo-app.yaml"), """
                    package:
                      name: foo-app
                      version: "2"
                      epoch: 0
                    environment:
                      contents:
                        packages:
                          - libfoo
                    pipeline:
                      - runs: true
                    """);

            List<String> rebuilt = new ArrayList<>();
            Rebuilder rebuilder = f -> {
                String name = f.getFileName().toString();
                rebuilt.add(name);
                return switch (name) {
                    case "libfoo.yaml" ->
                        new RebuildOutcome(
                                true,
                                List.of(new RebuildOutcome.Built("libfoo", "1.1.0-r0", List.of("so:libfoo.so.2=2"))),
                                null,
                                null);
                    case "broken.yaml" -> RebuildOutcome.failed("step make exited with status 2", null);
                    default -> new RebuildOutcome(true, List.of(), null, null);
                };
            };
            ApkIndex index = ApkIndex.parseText(RebuildGraphTest.entry("libfoo", "so:libfoo.so.1=1", "")
                    + RebuildGraphTest.entry("foo-app", "cmd:foo", "so:libfoo.so.1"));
            RecipeLoader loader = new RecipeLoader(List.of());
            UpdateApplier applier = UpdateApplierIT.applier(new TestSources(dir.resolve("dl")), rebuilder);
            UpdateRun run = new UpdateRun(
                    new UpdateChecker(List.of(new GitTagMonitor(new Backoff(2, Duration.ZERO, d -> {})))),
                    applier,
                    rebuilder,
                    () -> index,
                    RebuildGraphTest.COMPILER,
                    CompileOptions.forArch("x86_64"));
            List<Recipe> recipes = new ArrayList<>();
            try (var s = Files.list(catalog)) {
                for (Path f : s.sorted().toList()) {
                    recipes.add(loader.load(f));
                }
            }

            UpdateRun.Report report = run.pass(catalog, recipes);

            assertThat(report.packages())
                    .extracting(UpdateRun.PackageReport::packageName, UpdateRun.PackageReport::outcome)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple("libfoo", UpdateRun.Outcome.PUBLISHED),
                            org.assertj.core.groups.Tuple.tuple("broken", UpdateRun.Outcome.FAILED),
                            org.assertj.core.groups.Tuple.tuple("gone", UpdateRun.Outcome.FAILED),
                            org.assertj.core.groups.Tuple.tuple("foo-app", UpdateRun.Outcome.NOT_CHECKED));
            UpdateRun.PackageReport libReport = report.packages().stream()
                    .filter(p -> p.packageName().equals("libfoo"))
                    .findFirst()
                    .orElseThrow();
            assertThat(libReport.propagation().removedSonames()).containsExactly("so:libfoo.so.1");
            assertThat(libReport.propagation().order()).containsExactly("foo-app");
            assertThat(rebuilt).containsExactly("broken.yaml", "libfoo.yaml", "foo-app.yaml");
            assertThat(Files.readString(catalog.resolve("libfoo.yaml")))
                    .contains("version: \"1.1.0\"")
                    .contains("epoch: 0");
            assertThat(Files.readString(catalog.resolve("foo-app.yaml"))).contains("epoch: 1");
            assertThat(Files.readAllBytes(brokenRecipe)).isEqualTo(brokenBefore);
            assertThat(report.packages().stream()
                            .filter(p -> p.packageName().equals("broken"))
                            .findFirst()
                            .orElseThrow()
                            .error())
                    .contains("recipe restored", "exited with status 2");
            assertThat(report.failed()).isTrue();
            assertThat(report.count(UpdateRun.Outcome.PUBLISHED)).isOne();

            // the next pass has nothing left to publish for libfoo
            rebuilt.clear();
            UpdateRun.Report again = run.pass(catalog, List.of(loader.load(catalog.resolve("libfoo.yaml"))));
            assertThat(again.packages())
                    .singleElement()
                    .extracting(UpdateRun.PackageReport::outcome)
                    .isEqualTo(UpdateRun.Outcome.UP_TO_DATE);
            assertThat(rebuilt).isEmpty();
        }
    }

    @Test
    void intervals() {
        assertThat(Interval.parse("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(Interval.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Interval.parse("2d")).isEqualTo(Duration.ofDays(2));
        assertThatThrownBy(() -> Interval.parse("soon"))
                .isInstanceOf(UpdateException.class)
                .hasMessageContaining("'soon'");
        assertThatThrownBy(() -> Interval.parse("0m")).isInstanceOf(UpdateException.class);
    }
}
