package dev.kiln.update;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.recipe.CompileOptions;
import dev.kiln.recipe.PipelineLibrary;
import dev.kiln.recipe.RecipeCompiler;
import dev.kiln.recipe.RecipeLoader;
import dev.kiln.testkit.CProject;
import dev.kiln.testkit.FixtureGitRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpdateApplierIT {
    static final String RECIPE = """
            package:
              name: greet
              version: "1.0.0"
              epoch: 2
              description: greets
              copyright:
                - license: MIT
            pipeline:
              - uses: git-checkout
                with:
                  repository: REPO
                  tag: v${{package.version}}
                  expected-commit: COMMIT

              # friendlier greeting, upstream PR 12
              - uses: patch
                with:
                  patches: friendly.patch

              - runs: make
            update:
              enabled: true
              git:
                strip-prefix: v
            """;

    @TempDir
    Path dir;

    FixtureGitRepo repo;
    Path recipe;
    final List<Path> rebuilt = new ArrayList<>();

    /** An applier over the built-in pipelines for x86_64 with the given sources and rebuilds. */
    static UpdateApplier applier(TestSources sources, Rebuilder rebuilder) {
        return new UpdateApplier(
                new RecipeLoader(List.of()),
                new RecipeCompiler(PipelineLibrary.withBuiltins(List.of())),
                CompileOptions.forArch("x86_64"),
                RecipeBumperIT.bumper(sources),
                new DeltaMinimizer(new GnuPatch("patch")),
                sources,
                rebuilder);
    }

    UpdateApplier applier(Rebuilder rebuilder) {
        return applier(new TestSources(dir.resolve("dl")), rebuilder);
    }

    /** greet 1.0.0 at tag v1.0.0 of a fresh repository, with its recipe and friendly.patch next to it. */
    @BeforeEach
    void setUp() throws Exception {
        repo = new FixtureGitRepo(dir.resolve("up"));
        Map<String, String> v1 = CProject.files("1.0.0", "hello");
        repo.commit("1.0.0", v1);
        String c1 = repo.lightweightTag("v1.0.0");
        recipe = dir.resolve("greet.yaml");
        Files.writeString(recipe, RECIPE.replace("REPO", repo.url()).replace("COMMIT", c1));
        Files.createDirectories(dir.resolve("greet"));
        Files.writeString(dir.resolve("greet/friendly.patch"), CProject.greetingPatch("hello", "hi"));
    }

    @AfterEach
    void closeRepo() {
        repo.close();
    }

    @Test
    void anUpstreamThatContainsThePatchIsBumpedPatchDroppedAndPublished() throws Exception {
        String before = Files.readString(recipe);
        Map<String, String> v11 = new HashMap<>(CProject.files("1.1.0", "hi"));
        repo.commit("1.1.0 with the friendlier greeting", v11);
        String c11 = repo.annotatedTag("v1.1.0");
        String peeled = new GitTagMonitor(Backoff.DEFAULT).commitOf(repo.url(), "v1.1.0");
        assertThat(peeled).isNotEqualTo(c11);
        var result = applier(r -> {
                    rebuilt.add(r);
                    return new RebuildOutcome(
                            true, List.of(new RebuildOutcome.Built("greet", "1.1.0-r0", List.of())), null, null);
                })
                .apply(recipe, "1.1.0");
        assertThat(result.status()).isEqualTo(UpdateApplier.Status.PUBLISHED);
        assertThat(result.droppedPatches())
                .extracting(DeltaMinimizer.Dropped::patch)
                .containsExactly("friendly.patch");
        assertThat(rebuilt).containsExactly(recipe);
        String expected = before.replace("\"1.0.0\"", "\"1.1.0\"")
                .replace("epoch: 2", "epoch: 0")
                .replaceAll("expected-commit: [0-9a-f]{40}", "expected-commit: " + peeled)
                .replace(
                        "  # friendlier greeting, upstream PR 12\n  - uses: patch\n    with:\n      patches: friendly.patch\n",
                        "");
        assertThat(Files.readString(recipe)).isEqualTo(expected);
    }

    @Test
    void aFailedBuildRestoresTheRecipeByteForByte() throws Exception {
        byte[] before = Files.readAllBytes(recipe);
        repo.commit("1.1.0", Map.of("Makefile", "all:\n\tfalse\n"));
        repo.lightweightTag("v1.1.0");
        var result = applier(r -> {
                    assertThat(r).content().contains("\"1.1.0\"");
                    return RebuildOutcome.failed("step make exited with status 2", dir.resolve("greet.log"));
                })
                .apply(recipe, "1.1.0");
        assertThat(result.status()).isEqualTo(UpdateApplier.Status.BUILD_FAILED);
        assertThat(result.message()).contains("recipe restored").contains("exited with status 2");
        assertThat(result.rebuild().log()).isEqualTo(dir.resolve("greet.log"));
        assertThat(Files.readAllBytes(recipe)).isEqualTo(before);
    }

    @Test
    void aPatchThatNoLongerAppliesStopsTheUpdate() throws Exception {
        byte[] before = Files.readAllBytes(recipe);
        repo.commit("1.2.0 rewrites the greeting", CProject.files("1.2.0", "good day"));
        repo.lightweightTag("v1.2.0");
        var result = applier(r -> {
                    throw new AssertionError("must not build");
                })
                .apply(recipe, "1.2.0");
        assertThat(result.status()).isEqualTo(UpdateApplier.Status.STOPPED);
        assertThat(result.message())
                .isEqualTo("greet.yaml: patch friendly.patch no longer applies to upstream 1.2.0; "
                        + "rebase it or drop it by hand before updating");
        assertThat(Files.readAllBytes(recipe)).isEqualTo(before);
    }
}
