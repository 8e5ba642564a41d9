package dev.kiln.update;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.apk.ApkIndex;
import dev.kiln.recipe.Recipe;
import dev.kiln.recipe.RecipeException;
import dev.kiln.recipe.RecipeLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RebuildGraphTest {
    static final RecipeLoader LOADER = new RecipeLoader(List.of());

    static Recipe recipe(String name, List<String> buildDeps, String extra) {
        return LOADER.parse(name + ".yaml", "package:\n  name: " + name + "\n  version: \"1.0\"\n  epoch: 0\n"
                + "environment:\n  contents:\n    packages:\n" + buildDeps.stream().map(d -> "      - " + d + "\n")
                .reduce("      - busybox\n", String::concat) + "pipeline:\n  - runs: true\n" + extra);
    }

    @Test
    void subpackagesAndProvidesMapToTheirOriginAndCyclesAreBroken() {
        RebuildGraph g = RebuildGraph.of(List.of(
                recipe("app", List.of("libfoo-dev", "cmd:tool>2"), ""),
                recipe("libfoo", List.of("gcc"), "subpackages:\n  - name: ${{package.name}}-dev\n    pipeline:\n      - runs: true\n"),
                recipe("tooling", List.of("gcc"), ""),
                recipe("gcc", List.of("binutils"), ""),
                recipe("binutils", List.of("gcc"), "")));
        assertThat(g.originOf("libfoo-dev")).isEqualTo("libfoo");
        RebuildGraph.Order order = g.order();
        assertThat(order.origins()).containsExactly("binutils", "gcc", "libfoo", "app", "tooling");
        assertThat(order.brokenEdges()).containsExactly(new RebuildGraph.Edge("binutils", "gcc"));
        assertThat(g.dot()).contains("\"app\" -> \"libfoo\";");
    }

    @Test
    void theWolfiCorpusOrdersEveryRecipe() throws Exception {
        List<Recipe> recipes = new ArrayList<>();
        try (Stream<Path> files = Files.list(MonitorCorpusTest.corpus())) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try {
                    recipes.add(LOADER.load(f));
                } catch (RecipeException e) {
                    // counted by the loader's own corpus test
                }
            }
        }
        RebuildGraph g = RebuildGraph.of(recipes);
        RebuildGraph.Order order = g.order();
        assertThat(order.origins()).hasSize((int) recipes.stream().map(r -> r.pkg().name()).distinct().count());
        int gcc = order.origins().indexOf("gcc");
        int curl = order.origins().indexOf("curl");
        assertThat(gcc).isNotNegative().isLessThan(curl);
        assertThat(g.originOf("openssl-dev")).isEqualTo("openssl");
        // every dependency not broken points backwards in the order
        Map<String, Integer> pos = new java.util.HashMap<>();
        for (int i = 0; i < order.origins().size(); i++) {
            pos.put(order.origins().get(i), i);
        }
        java.util.Set<RebuildGraph.Edge> broken = new java.util.HashSet<>(order.brokenEdges());
        for (String o : order.origins()) {
            for (String d : g.dependenciesOf(o)) {
                if (!broken.contains(new RebuildGraph.Edge(o, d))) {
                    assertThat(pos.get(d)).as(o + " -> " + d).isLessThan(pos.get(o));
                }
            }
        }
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
        var result = SonamePropagation.propagate(index, "libfoo", List.of("so:libfoo.so.1=1"), List.of("so:libfoo.so.2=2"),
                RebuildGraph.of(List.of(lib, mid, app, other)), dir, f -> {
                    rebuilt.add(f);
                    return new RebuildOutcome(true, List.of(), null, null);
                });
        assertThat(result.removedSonames()).containsExactly("so:libfoo.so.1");
        assertThat(result.order()).containsExactly("foo-tools", "foo-app");
        assertThat(rebuilt).containsExactly(dir.resolve("foo-tools.yaml"), dir.resolve("foo-app.yaml"));
        assertThat(Files.readString(dir.resolve("foo-app.yaml"))).contains("epoch: 1").isEqualTo(app.text().replace("epoch: 0", "epoch: 1"));
        assertThat(Files.readString(dir.resolve("unrelated.yaml"))).isEqualTo(other.text());
    }

    static String entry(String name, String provides, String depends) {
        return "C:Q1" + "A".repeat(27) + "=\nP:" + name + "\nV:1.0-r0\nA:x86_64\nS:1\nI:1\nT:t\nU:u\nL:MIT\no:" + name + "\n"
                + (depends.isEmpty() ? "" : "D:" + depends + "\n") + (provides.isEmpty() ? "" : "p:" + provides + "\n") + "\n";
    }
}
