package dev.kiln.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.recipe.CompileOptions;
import dev.kiln.recipe.PipelineLibrary;
import dev.kiln.recipe.RecipeCompiler;
import dev.kiln.recipe.RecipeLoader;
import dev.kiln.testkit.FixtureGitRepo;
import dev.kiln.testkit.FixtureHttpServer;
import dev.kiln.testkit.Tarballs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipeBumperIT {
    static String resource(String name) throws Exception {
        try (var in = RecipeBumperIT.class.getResourceAsStream("/bump/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static RecipeBumper bumper(TestSources sources) {
        return new RecipeBumper(
                new RecipeLoader(List.of()),
                new RecipeCompiler(PipelineLibrary.withBuiltins(List.of())),
                CompileOptions.forArch("x86_64"),
                sources,
                new GitTagMonitor(new Backoff(1, Duration.ZERO, d -> {})));
    }

    @Test
    void bumpMatchesTheGoldenFileByteForByte(@TempDir Path dir) throws Exception {
        try (FixtureHttpServer http = new FixtureHttpServer();
                FixtureGitRepo repo = new FixtureGitRepo(dir.resolve("up"))) {
            http.put("/hello-1.1.0.tar.gz", Tarballs.targz("hello-1.1.0", Map.of("README", "hello 1.1.0\n")));
            repo.commit("docs", Map.of("doc.txt", "docs"));
            repo.lightweightTag("docs-1");
            repo.commit("release", Map.of("hello.c", "int main(){return 0;}\n"));
            repo.annotatedTag("v1.1.0");
            String before =
                    resource("hello.before.yaml").replace("HTTP", http.url("")).replace("REPO", repo.url());
            TestSources sources = new TestSources(dir.resolve("dl"));
            RecipeBumper.Bump bump = bumper(sources).bump("hello.yaml", before, "1.1.0");
            String after = bump.text().replace(http.url(""), "HTTP").replace(repo.url(), "REPO");
            Files.writeString(dir.resolve("actual.yaml"), after);
            assertThat(after).isEqualTo(resource("hello.after.yaml"));
            assertThat(bump.changes()).hasSize(4);
            assertThat(sources.downloads).isEqualTo(1);
        }
    }

    @Test
    void sameVersionRetagIncrementsEpochAndRepinsTheCommit(@TempDir Path dir) throws Exception {
        try (FixtureGitRepo repo = new FixtureGitRepo(dir.resolve("up"))) {
            repo.commit("one", Map.of("a", "1"));
            String moved = repo.lightweightTag("v2.0");
            String text = """
                    package:
                      name: x
                      version: "2.0"
                      description: x # no epoch written
                    pipeline:
                      - uses: git-checkout
                        with:
                          repository: REPO
                          tag: v${{package.version}}
                          expected-commit: 1111111111111111111111111111111111111111
                    """.replace("REPO", repo.url());
            String after =
                    bumper(new TestSources(dir)).bump("x.yaml", text, "2.0").text();
            assertThat(after)
                    .isEqualTo(text.replace("version: \"2.0\"\n", "version: \"2.0\"\n  epoch: 1\n")
                            .replace("1111111111111111111111111111111111111111", moved));
        }
    }

    @Test
    void incrementEpochTouchesOnlyTheEpochLine() {
        String text = "package:\n  name: x\n  version: 1.2 # plain\n  epoch: 7 # why\n";
        assertThat(RecipeBumper.incrementEpoch("x.yaml", text).text()).isEqualTo(text.replace("epoch: 7", "epoch: 8"));
    }

    @Test
    void aMissingUpstreamTagIsAClearError(@TempDir Path dir) {
        try (FixtureGitRepo repo = new FixtureGitRepo(dir.resolve("up"))) {
            repo.commit("one", Map.of("a", "1"));
            String text =
                    "package:\n  name: x\n  version: \"1\"\n  epoch: 0\npipeline:\n  - uses: git-checkout\n    with:\n"
                            + "      repository: " + repo.url() + "\n      tag: v${{package.version}}\n"
                            + "      expected-commit: 1111111111111111111111111111111111111111\n";
            assertThatThrownBy(() -> bumper(new TestSources(dir)).bump("x.yaml", text, "9"))
                    .isInstanceOf(UpdateException.class)
                    .hasMessageContaining("x.yaml: git-checkout")
                    .hasMessageContaining("tag v9 does not exist upstream");
        }
    }
}
