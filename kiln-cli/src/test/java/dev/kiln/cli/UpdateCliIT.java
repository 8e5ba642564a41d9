package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testkit.CProject;
import dev.kiln.testkit.FixtureGitRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The update bot through the command line, against an upstream git repository made by the test:
 * a new tag is found, the recipe is bumped with its patch dropped, built and tested in the
 * sandbox and published; a broken upstream leaves the recipe as it was.
 */
class UpdateCliIT {
    static final String RECIPE = """
            package:
              name: greet
              version: "1.0.0"
              epoch: 1 # rebuilt once
              description: "greets"
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
              - uses: autoconf/make
              - uses: autoconf/make-install
            test:
              pipeline:
                - runs: |
                    greet | grep -x "Hi there"
            update:
              enabled: true
              git:
                strip-prefix: v
            """;

    @TempDir
    Path dir;

    Path setUp(FixtureGitRepo upstream) throws Exception {
        upstream.commit("1.0.0", CProject.files("1.0.0", "Hello"));
        String c1 = upstream.lightweightTag("v1.0.0");
        Path recipes = Files.createDirectories(dir.resolve("recipes"));
        Files.writeString(
                recipes.resolve("greet.yaml"),
                RECIPE.replace("REPO", upstream.url()).replace("COMMIT", c1));
        Files.createDirectories(recipes.resolve("greet"));
        Files.writeString(recipes.resolve("greet/friendly.patch"), CProject.greetingPatch("Hello", "Hi there"));
        assertThat(CliRun.of("keygen", dir.resolve("k.rsa").toString(), "--bits", "2048")
                        .exitCode())
                .isZero();
        return recipes.resolve("greet.yaml");
    }

    /** {@code kiln update ARGS} publishing into the test's state, repository and key. */
    CliRun update(String... args) {
        return CliRun.of(Stream.concat(
                        Stream.concat(Stream.of("update"), Stream.of(args)),
                        Stream.of(
                                "--state-dir",
                                dir.resolve("state").toString(),
                                "--out-dir",
                                dir.resolve("packages").toString(),
                                "--signing-key",
                                dir.resolve("k.rsa").toString(),
                                "--json"))
                .toArray(String[]::new));
    }

    CliRun apply(Path recipe) {
        return update("apply", recipe.toString());
    }

    @Test
    void aNewUpstreamTagIsCheckedBumpedBuiltTestedAndPublished() throws Exception {
        try (FixtureGitRepo upstream = new FixtureGitRepo(dir.resolve("upstream"))) {
            Path recipe = setUp(upstream);
            String before = Files.readString(recipe);
            Map<String, String> v11 = new HashMap<>(CProject.files("1.1.0", "Hi there"));
            String c11 = upstream.commit("1.1.0: friendlier greeting", v11);
            upstream.annotatedTag("v1.1.0");

            CliRun check = CliRun.of("update", "check", recipe.toString(), "--json");
            assertThat(check.exitCode()).as(check.err()).isZero();
            assertThat(check.out())
                    .contains(
                            "\"current\":\"1.0.0\"",
                            "\"newest\":\"1.1.0\"",
                            "\"status\":\"UPDATE\"",
                            "\"monitor\":\"git:" + upstream.url());

            CliRun apply = apply(recipe);
            assertThat(apply.exitCode()).as(apply.out() + apply.err()).isZero();
            assertThat(apply.out())
                    .contains("\"status\":\"PUBLISHED\"", "\"published\":[\"greet-1.1.0-r0\"]", "friendly.patch");
            assertThat(dir.resolve("packages").resolve(Defaults.hostArch()).resolve("greet-1.1.0-r0.apk"))
                    .exists();
            String expected = before.replace("\"1.0.0\"", "\"1.1.0\"")
                    .replace("epoch: 1 #", "epoch: 0 #")
                    .replaceAll("expected-commit: [0-9a-f]{40}", "expected-commit: " + c11)
                    .replace(
                            "  # friendlier greeting, upstream PR 12\n  - uses: patch\n    with:\n      patches: friendly.patch\n",
                            "");
            assertThat(Files.readString(recipe)).isEqualTo(expected);

            CliRun delta = CliRun.of("delta", recipe.toString());
            assertThat(delta.out()).doesNotContain("friendly.patch");
        }
    }

    CliRun runOnce(Path catalog) {
        return update("run", "--once", "--catalog", catalog.toString());
    }

    @Test
    void theReconcileLoopPublishesANewTagAndGoesOnPastABrokenRecipe() throws Exception {
        try (FixtureGitRepo upstream = new FixtureGitRepo(dir.resolve("upstream"))) {
            Path recipe = setUp(upstream);
            Path catalog = recipe.getParent();
            Files.writeString(catalog.resolve("broken.yaml"), "package:\n  name: broken\n  version: [\n");
            upstream.commit("1.1.0: friendlier greeting", new HashMap<>(CProject.files("1.1.0", "Hi there")));
            upstream.lightweightTag("v1.1.0");

            CliRun first = runOnce(catalog);
            assertThat(first.exitCode()).as(first.out() + first.err()).isEqualTo(1); // broken.yaml does not load
            assertThat(first.out())
                    .contains(
                            "\"event\":\"package\"",
                            "\"package\":\"greet\"",
                            "\"outcome\":\"PUBLISHED\"",
                            "\"published\":[\"greet-1.1.0-r0\"]",
                            "\"event\":\"pass\"",
                            "\"published\":1");
            assertThat(first.out()).contains("\"event\":\"error\"", "broken.yaml");
            assertThat(dir.resolve("packages").resolve(Defaults.hostArch()).resolve("greet-1.1.0-r0.apk"))
                    .exists();
            assertThat(Files.readString(recipe)).contains("version: \"1.1.0\"").doesNotContain("friendly.patch");

            Files.delete(catalog.resolve("broken.yaml"));
            CliRun second = runOnce(catalog);
            assertThat(second.exitCode()).as(second.out() + second.err()).isZero();
            assertThat(second.out()).contains("\"outcome\":\"UP_TO_DATE\"", "\"published\":0");
            assertThat(CliRun.of("update", "run", "--every", "soon", "--catalog", catalog.toString())
                            .exitCode())
                    .isNotZero();
        }
    }

    @Test
    void aBrokenUpstreamLeavesTheRecipeUnchanged() throws Exception {
        try (FixtureGitRepo upstream = new FixtureGitRepo(dir.resolve("upstream"))) {
            Path recipe = setUp(upstream);
            byte[] before = Files.readAllBytes(recipe);
            Map<String, String> broken = new HashMap<>(CProject.files("1.1.0", "Hello"));
            broken.put("main.c", "int main(void) { this does not compile }\n");
            upstream.commit("1.1.0 broken", broken);
            upstream.lightweightTag("v1.1.0");

            CliRun apply = apply(recipe);
            assertThat(apply.exitCode()).isEqualTo(1);
            assertThat(apply.out()).contains("\"status\":\"BUILD_FAILED\"", "recipe restored", "\"log\":");
            assertThat(Files.readAllBytes(recipe)).isEqualTo(before);
            assertThat(dir.resolve("packages").resolve(Defaults.hostArch()).resolve("greet-1.1.0-r1.apk"))
                    .doesNotExist();

            CliRun delta = CliRun.of("delta", recipe.toString(), "--json");
            assertThat(delta.out())
                    .contains("\"patch\":\"friendly.patch\"", "\"reason\":\"friendlier greeting, upstream PR 12\"");
        }
    }

    @Test
    void graphAndBump() throws Exception {
        Path recipes = Files.createDirectories(dir.resolve("cat"));
        Files.writeString(recipes.resolve("lib.yaml"), """
                package:
                  name: lib
                  version: "1"
                  epoch: 4 # keep
                pipeline:
                  - runs: true
                subpackages:
                  - name: lib-dev
                    pipeline:
                      - runs: true
                """);
        Files.writeString(recipes.resolve("app.yaml"), """
                package:
                  name: app
                  version: "1"
                environment:
                  contents:
                    packages:
                      - lib-dev
                pipeline:
                  - runs: true
                """);
        CliRun graph = CliRun.of("graph", "--catalog", recipes.toString());
        assertThat(graph.exitCode()).as(graph.err()).isZero();
        assertThat(graph.out()).isEqualTo("lib\napp\n");
        assertThat(CliRun.of("graph", "--catalog", recipes.toString(), "--dot").out())
                .contains("\"app\" -> \"lib\";");
        // a meta package whose runtime dependency is the compiler, named through a variable, and a cycle
        Files.writeString(recipes.resolve("base.yaml"), """
                package:
                  name: base
                  version: "1"
                  dependencies:
                    runtime:
                      - zcc
                pipeline:
                  - runs: true
                """);
        Files.writeString(recipes.resolve("zcc.yaml"), """
                package:
                  name: zcc
                  version: "2"
                vars:
                  lib: lib
                environment:
                  contents:
                    packages:
                      - ${{vars.lib}}-dev
                pipeline:
                  - runs: true
                """);
        Files.writeString(
                recipes.resolve("lib.yaml"),
                Files.readString(recipes.resolve("lib.yaml"))
                        + "environment:\n  contents:\n    packages:\n      - base\n");
        CliRun order = CliRun.of("graph", "--catalog", recipes.toString());
        assertThat(order.exitCode()).as(order.err()).isZero();
        assertThat(order.out()).isEqualTo("""
                        base
                        lib
                        app
                        zcc
                        # cycle lib → zcc → lib: lib is built before its dependency zcc
                        """);
        CliRun why = CliRun.of("graph", "--catalog", recipes.toString(), "--why", "app", "base");
        assertThat(why.out()).isEqualTo("""
                           app needs base:
                             app: environment 'lib-dev' → lib-dev-1-r4 (recipe lib)
                             lib: environment 'base' → base-1-r0 (recipe base)
                           """);
        assertThat(CliRun.of("graph", "--catalog", recipes.toString(), "--why", "lib", "zcc")
                        .out())
                .isEqualTo(
                        "lib needs zcc:\n  lib: environment 'base' → base-1-r0, which depends on 'zcc' → zcc-2-r0 (recipe zcc)"
                                + " [cycle broken here: built against the published zcc]\n");
        assertThat(CliRun.of("graph", "--catalog", recipes.toString(), "--why", "base", "app")
                        .out())
                .isEqualTo("base does not need app at build time\n");
        // a recipe whose tests need another's package is built after it, and --why says so
        Files.writeString(recipes.resolve("aa.yaml"), """
                package:
                  name: aa
                  version: "1"
                pipeline:
                  - runs: true
                test:
                  environment:
                    contents:
                      packages:
                        - app
                  pipeline:
                    - runs: app
                """);
        String withTests = CliRun.of("graph", "--catalog", recipes.toString()).out();
        assertThat(withTests.indexOf("\napp\n")).isNotNegative().isLessThan(withTests.indexOf("\naa\n"));
        assertThat(CliRun.of("graph", "--catalog", recipes.toString(), "--why", "aa", "app")
                        .out())
                .isEqualTo(
                        "aa does not need app at build time; its tests' environments do, so it is built after app\n");
        Files.delete(recipes.resolve("aa.yaml"));
        CliRun json = CliRun.of("graph", "--catalog", recipes.toString(), "--json");
        assertThat(json.out())
                .contains("\"cycles\":[{\"members\":[\"lib\",\"zcc\"],\"broken\":{\"from\":\"lib\",\"to\":\"zcc\"},"
                        + "\"bootstrap\":false}]");
        assertThat(CliRun.of("graph", "--catalog", recipes.toString(), "--why", "app", "nope")
                        .exitCode())
                .isOne();

        CliRun bump = CliRun.of("bump", recipes.resolve("lib.yaml").toString());
        assertThat(bump.exitCode()).isZero();
        assertThat(Files.readString(recipes.resolve("lib.yaml"))).contains("  epoch: 5 # keep\n");
    }
}
