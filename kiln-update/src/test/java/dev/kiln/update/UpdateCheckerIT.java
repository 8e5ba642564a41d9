package dev.kiln.update;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.recipe.Recipe;
import dev.kiln.recipe.RecipeLoader;
import dev.kiln.testkit.FixtureGitRepo;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpdateCheckerIT {
    static final RecipeLoader LOADER = new RecipeLoader(List.of());
    final List<Duration> waits = new ArrayList<>();
    final Backoff backoff = new Backoff(3, Duration.ofSeconds(1), waits::add);

    static Recipe recipe(String name, String version, String update, String pipeline) {
        return LOADER.parse(name + ".yaml", """
                package:
                  name: NAME
                  version: "VERSION"
                  epoch: 0
                  description: test
                  copyright:
                    - license: MIT
                pipeline:
                PIPELINE
                update:
                UPDATE
                """.replace("NAME", name)
                .replace("VERSION", version)
                .replace("PIPELINE", pipeline.indent(2).stripTrailing())
                .replace("UPDATE", update.indent(2).stripTrailing()));
    }

    static Recipe github(String name, String version, String github) {
        return recipe(name, version, "enabled: true\ngithub:\n" + github.indent(2), "- runs: true");
    }

    @Test
    void gitTagsFromALocalRepositoryWithPrefixAndPrereleaseFiltering(@TempDir Path dir) {
        try (FixtureGitRepo repo = new FixtureGitRepo(dir.resolve("up"))) {
            repo.commit("one", Map.of("a", "1"));
            repo.annotatedTag("v1.0.0");
            repo.commit("two", Map.of("a", "2"));
            String commit = repo.commit("three", Map.of("a", "3"));
            repo.annotatedTag("v1.2.0");
            repo.lightweightTag("v1.3.0-rc1");
            repo.lightweightTag("other-9.0");
            Recipe r = recipe(
                    "foo",
                    "1.0.0",
                    "enabled: true\ngit:\n  strip-prefix: v\n  tag-filter-prefix: v",
                    "- uses: git-checkout\n  with:\n    repository: " + repo.url()
                            + "\n    tag: v${{package.version}}");
            CheckResult result = new UpdateChecker(List.of(new GitTagMonitor(backoff)))
                    .check(List.of(r))
                    .get(0);
            assertThat(result.status()).isEqualTo(CheckResult.Status.UPDATE);
            assertThat(result.newest().version()).isEqualTo("1.2.0");
            assertThat(result.newest().commit())
                    .as("annotated tag peeled to its commit")
                    .isEqualTo(commit);
            assertThat(result.monitor()).startsWith("git:file:");
            assertThat(result.skipped())
                    .extracting(VersionNormalizer.Skipped::raw, VersionNormalizer.Skipped::reason)
                    .contains(
                            org.assertj.core.groups.Tuple.tuple("v1.3.0-rc1", "pre-release"),
                            org.assertj.core.groups.Tuple.tuple("other-9.0", "does not start with filter prefix 'v'"));
        }
    }

    @Test
    void normalisationOrderSeparatorTransformIgnoreAndStream() {
        MonitorConfig c = new MonitorConfig(
                "python-3.12",
                MonitorConfig.Kind.GITHUB,
                "o/r",
                true,
                "v",
                null,
                null,
                null,
                "_",
                List.of("^v3\\.12\\.9"),
                List.of(new MonitorConfig.Transform("^(\\d+\\.\\d+\\.\\d+)\\.(\\d+)$", "${1}_p$2")),
                false,
                "3.12.");
        var out = VersionNormalizer.normalize(
                c,
                List.of(
                        new UpstreamTag("v3_12_4", null),
                        new UpstreamTag("v3_13_0", null),
                        new UpstreamTag("v3.12.9", null),
                        new UpstreamTag("v3_12_5_1", null),
                        new UpstreamTag("vnext", null)));
        assertThat(out.candidates())
                .extracting(VersionNormalizer.Candidate::version)
                .containsExactly("3.12.4", "3.12.5_p1");
        assertThat(out.skipped())
                .extracting(VersionNormalizer.Skipped::reason)
                .containsExactly(
                        "outside the version stream 3.12.x",
                        "matches ignore-regex-patterns '^v3\\.12\\.9'",
                        "'next' is not a valid APK version");
    }

    @Test
    void githubReleasesAndTagsBatchedWithTokenAndPerPackageFailures() throws Exception {
        try (FixtureApi api = new FixtureApi()) {
            api.releases.put("curl/curl", """
                    [{"tagName":"curl-8_12_0","isDraft":false,"isPrerelease":false},
                     {"tagName":"curl-8_13_0","isDraft":true,"isPrerelease":false},
                     {"tagName":"curl-8_12_1","isDraft":false,"isPrerelease":true},
                     {"tagName":"curl-8_11_1","isDraft":false,"isPrerelease":false}]""");
            api.tags.put("org/tool", """
                    [{"name":"v2.1.0","target":{"oid":"aaaa","target":{"oid":"bbbb"}}},
                     {"name":"v2.0.0","target":{"oid":"cccc"}}]""");
            List<Recipe> recipes = new ArrayList<>();
            recipes.add(recipe(
                    "curl",
                    "8.11.1",
                    "enabled: true\nversion-separator: _\ngithub:\n  identifier: curl/curl\n"
                            + "  strip-prefix: curl-\n  use-tag: false",
                    "- runs: true"));
            recipes.add(github("tool", "2.0.0", "identifier: org/tool\nstrip-prefix: v\nuse-tag: true"));
            recipes.add(github("gone", "1.0", "identifier: org/gone"));
            for (int i = 0; i < 12; i++) {
                recipes.add(github("tool" + i, "2.1.0", "identifier: org/tool\nstrip-prefix: v\nuse-tag: true"));
            }
            api.failNext.set(1);
            GitHubMonitor gh = new GitHubMonitor(
                    HttpClient.newHttpClient(), api.baseUrl(), Map.of("GITHUB_TOKEN", "t0k"), backoff);
            List<CheckResult> results = new UpdateChecker(List.of(gh)).check(recipes);
            assertThat(results.get(0).newest().version()).isEqualTo("8.12.0");
            assertThat(results.get(0).status()).isEqualTo(CheckResult.Status.UPDATE);
            assertThat(results.get(1).newest().version()).isEqualTo("2.1.0");
            assertThat(results.get(1).newest().commit()).isEqualTo("bbbb");
            assertThat(results.get(2).status()).isEqualTo(CheckResult.Status.FAILED);
            assertThat(results.get(2).message()).contains("Could not resolve");
            assertThat(results.subList(3, 15)).allMatch(r -> r.status() == CheckResult.Status.UP_TO_DATE);
            assertThat(api.graphqlRequests.get())
                    .as("15 repositories in batches of 10")
                    .isEqualTo(2);
            assertThat(waits).as("one 502 retried after the first backoff").containsExactly(Duration.ofSeconds(1));
            assertThat(api.lastAuthorization).isEqualTo("bearer t0k");
        }
    }

    @Test
    void releaseMonitoringStableVersionsAndAnUnreachableApi() throws Exception {
        try (FixtureApi api = new FixtureApi()) {
            api.projects.put("42", "[\"2.0.1\", \"2.0.0\", \"1.9\"]");
            Recipe ok = recipe("rm", "2.0.0", "enabled: true\nrelease-monitor:\n  identifier: 42", "- runs: true");
            Recipe missing = recipe("rm2", "1.0", "enabled: true\nrelease-monitor:\n  identifier: 7", "- runs: true");
            var monitor = new ReleaseMonitoringMonitor(HttpClient.newHttpClient(), api.baseUrl(), backoff);
            List<CheckResult> results = new UpdateChecker(List.of(monitor)).check(List.of(ok, missing));
            assertThat(results.get(0).newest().version()).isEqualTo("2.0.1");
            assertThat(results.get(1).status()).isEqualTo(CheckResult.Status.FAILED);
            assertThat(results.get(1).message()).contains("HTTP 404");

            api.failNext.set(5);
            CheckResult down =
                    new UpdateChecker(List.of(monitor)).check(List.of(ok)).get(0);
            assertThat(down.status()).isEqualTo(CheckResult.Status.FAILED);
            assertThat(down.message()).contains("failed after 3 attempts");
        }
    }
}
