package dev.kiln.update;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.apk.ApkIndex;
import dev.kiln.apk.Resolver;
import dev.kiln.recipe.CompileOptions;
import dev.kiln.recipe.PipelineLibrary;
import dev.kiln.recipe.Recipe;
import dev.kiln.recipe.RecipeCompiler;
import dev.kiln.recipe.RecipeLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RebuildGraphTest {
    static final RecipeLoader LOADER = new RecipeLoader(List.of());
    static final RecipeCompiler COMPILER = new RecipeCompiler(PipelineLibrary.withBuiltins(List.of()));
    static final CompileOptions X86 = CompileOptions.forArch("x86_64");

    static Recipe recipe(String name, List<String> buildDeps, String extra) {
        return LOADER.parse(
                name + ".yaml",
                "package:\n  name: " + name + "\n  version: \"1.0\"\n  epoch: 0\n"
                        + "environment:\n  contents:\n    packages:\n"
                        + buildDeps.stream().map(d -> "      - " + d + "\n").reduce("      - busybox\n", String::concat)
                        + "pipeline:\n  - runs: true\n" + extra);
    }

    /** A recipe whose main package has runtime dependencies and provides. */
    static Recipe runtime(String name, List<String> runtime, List<String> provides) {
        return LOADER.parse(
                name + ".yaml",
                "package:\n  name: " + name
                        + "\n  version: \"1.0\"\n  epoch: 0\n  dependencies:\n"
                        + (runtime.isEmpty()
                                ? ""
                                : "    runtime:\n"
                                        + runtime.stream()
                                                .map(d -> "      - " + d + "\n")
                                                .reduce("", String::concat))
                        + (provides.isEmpty()
                                ? ""
                                : "    provides:\n"
                                        + provides.stream()
                                                .map(d -> "      - " + d + "\n")
                                                .reduce("", String::concat))
                        + "pipeline:\n  - runs: true\n");
    }

    static RebuildGraph graph(Recipe... recipes) {
        return RebuildGraph.of(List.of(recipes), COMPILER, X86);
    }

    @Test
    void subpackagesAndProvidesMapToTheirOriginAndCyclesAreBroken() {
        RebuildGraph g = graph(
                recipe("app", List.of("libfoo-dev", "cmd:tool>2"), ""),
                recipe(
                        "libfoo",
                        List.of("gcc"),
                        "subpackages:\n  - name: ${{package.name}}-dev\n    pipeline:\n      - runs: true\n"),
                recipe("tooling", List.of("gcc"), ""),
                recipe("gcc", List.of("binutils"), ""),
                recipe("binutils", List.of("gcc"), ""));
        assertThat(g.originOf("libfoo-dev")).isEqualTo("libfoo");
        RebuildGraph.Order order = g.order();
        assertThat(order.origins()).containsExactly("binutils", "gcc", "libfoo", "app", "tooling");
        assertThat(order.brokenEdges()).containsExactly(new RebuildGraph.Edge("binutils", "gcc"));
        assertThat(g.dot()).contains("\"app\" -> \"libfoo\";");
        assertThat(g.unresolved("app")).extracting(Resolver.Unresolved::atom).containsExactly("busybox", "cmd:tool>2");
    }

    @Test
    void aToolchainNamedThroughAVariableIsBuiltFirst() {
        Recipe age = LOADER.parse("age.yaml", """
                package:
                  name: age
                  version: "1.3.1"
                  epoch: 0
                vars:
                  go-version: "1.27"
                environment:
                  contents:
                    packages:
                      - go-${{vars.go-version}}
                pipeline:
                  - runs: true
                """);
        RebuildGraph g = graph(age, recipe("go-1.27", List.of(), ""), recipe("go-1.26", List.of(), ""));
        assertThat(g.dependenciesOf("age")).containsExactly("go-1.27");
        assertThat(g.order().origins()).containsExactly("go-1.26", "go-1.27", "age");
    }

    @Test
    void aMetaPackagePullsInItsRuntimeClosure() {
        RebuildGraph g = graph(
                recipe("app", List.of("build-base"), ""),
                runtime("build-base", List.of("zcc", "make"), List.of()),
                runtime("zcc", List.of("zld>=1.0"), List.of()),
                recipe("zld", List.of(), ""),
                recipe("make", List.of(), ""));
        assertThat(g.dependenciesOf("app")).containsExactly("build-base", "make", "zcc", "zld");
        List<String> order = g.order().origins();
        assertThat(order.indexOf("zld")).isLessThan(order.indexOf("app"));
        assertThat(order.indexOf("zcc")).isLessThan(order.indexOf("app"));
        assertThat(g.why("app", "zld"))
                .containsExactly(new RebuildGraph.Hop(
                        "app",
                        List.of(
                                new RebuildGraph.Link("build-base", "build-base-1.0-r0"),
                                new RebuildGraph.Link("zcc", "zcc-1.0-r0"),
                                new RebuildGraph.Link("zld>=1.0", "zld-1.0-r0")),
                        "zld"));
        assertThat(g.why("zld", "app")).isEmpty();
    }

    @Test
    void soNamesResolveThroughDeclaredProvidesAndTheRestIsReported() {
        RebuildGraph g = graph(
                recipe("app", List.of("curl-tool"), ""),
                runtime("curl-tool", List.of("so:libz.so.1", "so:libsca-only.so.2"), List.of()),
                runtime("zlib", List.of(), List.of("so:libz.so.1=1")));
        assertThat(g.dependenciesOf("app")).containsExactly("curl-tool", "zlib");
        List<String> order = g.order().origins(); // zlib is curl-tool's runtime need, not its build need
        assertThat(order.indexOf("zlib")).isLessThan(order.indexOf("app"));
        assertThat(order.indexOf("curl-tool")).isLessThan(order.indexOf("app"));
        assertThat(g.unresolved("app")).extracting(Resolver.Unresolved::atom).contains("so:libsca-only.so.2");
        assertThat(g.unresolved("app"))
                .extracting(Resolver.Unresolved::reason)
                .anyMatch(r -> r.startsWith("curl-tool → so:libsca-only.so.2: no package provides it"));
    }

    @Test
    void aTwoRecipeCycleIsReportedWhole() {
        RebuildGraph g = graph(
                recipe("glibc", List.of("gcc"), ""),
                recipe("gcc", List.of("glibc"), ""),
                recipe("app", List.of("gcc"), ""));
        RebuildGraph.Order order = g.order();
        assertThat(order.origins()).containsExactly("gcc", "app", "glibc");
        assertThat(order.cycles())
                .containsExactly(
                        new RebuildGraph.Cycle(List.of("gcc", "glibc"), new RebuildGraph.Edge("gcc", "glibc"), false));
        assertThat(order.cycles().get(0)).hasToString("gcc → glibc → gcc");
    }

    /**
     * The catalog's bzip2 was built before Kiln's test tools (alphabetical, no build edge between them), and its
     * test, which needs ldd-check, failed: what a recipe's tests (main or subpackage) need is built before it.
     */
    @Test
    void whatARecipesTestsNeedIsBuiltBeforeIt() {
        RebuildGraph g = graph(
                recipe("a-zip", List.of(), """
                        test:
                          environment:
                            contents:
                              packages:
                                - ldd-check
                          pipeline:
                            - runs: ldd-check
                        """),
                recipe("b-lib", List.of(), """
                        subpackages:
                          - name: b-lib-dev
                            test:
                              environment:
                                contents:
                                  packages:
                                    - c-tool
                              pipeline:
                                - runs: c-tool
                        """),
                recipe("c-tool", List.of(), ""),
                recipe("test-tools", List.of(), "subpackages:\n  - name: ldd-check\n"));

        assertThat(g.dependenciesOf("a-zip")).isEmpty();
        assertThat(g.testDependenciesOf("a-zip")).containsExactly("test-tools");
        assertThat(g.testDependenciesOf("b-lib")).containsExactly("c-tool");
        List<String> order = g.order().origins();
        assertThat(order.indexOf("test-tools")).isLessThan(order.indexOf("a-zip"));
        assertThat(order.indexOf("c-tool")).isLessThan(order.indexOf("b-lib"));
        assertThat(g.order().cycles()).isEmpty();
    }

    /** The test tools' own test needs a library whose test needs the tools: the test edge goes, no build edge. */
    @Test
    void aCycleIsBrokenAtItsTestEdgeFirst() {
        RebuildGraph g = graph(
                recipe("a-lib", List.of("z-tools"), """
                        test:
                          environment:
                            contents:
                              packages:
                                - m-app
                          pipeline:
                            - runs: m-app
                        """),
                recipe("m-app", List.of("a-lib"), ""),
                recipe("z-tools", List.of(), """
                        test:
                          environment:
                            contents:
                              packages:
                                - a-lib
                          pipeline:
                            - runs: true
                        """));
        RebuildGraph.Order order = g.order();
        // build edges: a-lib → z-tools, m-app → a-lib; test edges: a-lib → m-app and z-tools → a-lib, each closing a
        // cycle; whichever cycle is found first, the edge ignored is its test edge
        assertThat(order.brokenEdges())
                .containsExactlyInAnyOrder(
                        new RebuildGraph.Edge("a-lib", "m-app"), new RebuildGraph.Edge("z-tools", "a-lib"));
        assertThat(order.origins()).containsSubsequence("z-tools", "a-lib", "m-app");
        assertThat(order.cycles()).allMatch(c -> !c.bootstrap());
    }

    @Test
    void aCycleIsBrokenAtItsBootstrapEdge() {
        // by the fewest-dependencies rule a-lib would go first (all wait on one, a-lib sorts first);
        // the bootstrap package is what exists to be built from the published compiler
        RebuildGraph g = graph(
                recipe("z-lang", List.of("z-lang-bootstrap"), ""),
                recipe("z-lang-bootstrap", List.of("a-lib"), ""),
                recipe("a-lib", List.of("z-lang"), ""));
        RebuildGraph.Order order = g.order();
        assertThat(order.cycles())
                .containsExactly(new RebuildGraph.Cycle(
                        List.of("z-lang", "z-lang-bootstrap", "a-lib"),
                        new RebuildGraph.Edge("z-lang", "z-lang-bootstrap"),
                        true));
        assertThat(order.origins()).containsExactly("z-lang", "a-lib", "z-lang-bootstrap");
    }

    @Test
    void aSonameChangeBumpsAndRebuildsDependentsInOrder(@TempDir Path dir) throws Exception {
        Recipe lib = recipe("libfoo", List.of(), "");
        Recipe mid = recipe("foo-tools", List.of("libfoo"), "");
        Recipe app = recipe("foo-app", List.of("foo-tools"), "");
        Recipe other = recipe("unrelated", List.of(), "");
        for (Recipe r : List.of(lib, mid, app, other)) {
            Files.writeString(dir.resolve(r.file()), r.text());
        }
        ApkIndex index = ApkIndex.parseText(entry("libfoo", "so:libfoo.so.1=1", "")
                + entry("foo-app", "", "so:libfoo.so.1 so:libc.so.6")
                + entry("foo-tools", "cmd:foo", "so:libfoo.so.1")
                + entry("unrelated", "", "so:libc.so.6"));
        List<Path> rebuilt = new ArrayList<>();
        var result = SonamePropagation.propagate(
                index,
                "libfoo",
                List.of("so:libfoo.so.1=1"),
                List.of("so:libfoo.so.2=2"),
                graph(lib, mid, app, other),
                dir,
                f -> {
                    rebuilt.add(f);
                    return new RebuildOutcome(true, List.of(), null, null);
                });
        assertThat(result.removedSonames()).containsExactly("so:libfoo.so.1");
        assertThat(result.order()).containsExactly("foo-tools", "foo-app");
        assertThat(rebuilt).containsExactly(dir.resolve("foo-tools.yaml"), dir.resolve("foo-app.yaml"));
        assertThat(Files.readString(dir.resolve("foo-app.yaml")))
                .contains("epoch: 1")
                .isEqualTo(app.text().replace("epoch: 0", "epoch: 1"));
        assertThat(Files.readString(dir.resolve("unrelated.yaml"))).isEqualTo(other.text());
    }

    static String entry(String name, String provides, String depends) {
        return "C:Q1" + "A".repeat(27) + "=\nP:" + name + "\nV:1.0-r0\nA:x86_64\nS:1\nI:1\nT:t\nU:u\nL:MIT\no:" + name
                + "\n" + (depends.isEmpty() ? "" : "D:" + depends + "\n")
                + (provides.isEmpty() ? "" : "p:" + provides + "\n") + "\n";
    }
}
