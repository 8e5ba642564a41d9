package dev.kiln.update;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.recipe.PipelineLibrary;
import dev.kiln.recipe.Recipe;
import dev.kiln.recipe.RecipeCompiler;
import dev.kiln.recipe.RecipeException;
import dev.kiln.recipe.RecipeLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The whole Wolfi corpus (3,401 recipes) through kiln-update: every update block maps to a monitor configuration
 * or a precise reason (no network), and the rebuild graph orders every recipe. Failsafe runs it: reading and
 * compiling the corpus takes longer than the fast tier allows (README, Tests).
 */
class WolfiCorpusIT {

    static Path corpus() {
        return Path.of(System.getProperty("kiln.repo.root", "..")).resolve("../shared/corpora/wolfi-os/recipes");
    }

    @Test
    void everyWolfiUpdateBlockResolves() throws IOException {
        RecipeLoader loader = new RecipeLoader(List.of());
        Map<String, Integer> counts = new TreeMap<>();
        int total = 0;
        try (Stream<Path> files = Files.list(corpus())) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                MonitorConfigs.Resolution res;
                try {
                    res = MonitorConfigs.of(loader.load(f));
                } catch (RecipeException e) {
                    continue; // the loader's own corpus test owns rejections
                }
                total++;
                assertThat(res.supported() ^ (res.unsupported() != null))
                        .as(f.toString())
                        .isTrue();
                String key = res.supported()
                        ? res.config().kind().name()
                        : res.unsupported().replaceAll(":.*", "");
                counts.merge(key, 1, Integer::sum);
            }
        }
        assertThat(total).isGreaterThan(3300);
        assertThat(counts.get("GITHUB")).isGreaterThan(2500);
        assertThat(counts.get("GIT")).isGreaterThan(300);
        assertThat(counts.get("RELEASE_MONITOR")).isGreaterThan(250);
        assertThat(counts.keySet())
                .allMatch(k -> k.equals("GITHUB")
                        || k.equals("GIT")
                        || k.equals("RELEASE_MONITOR")
                        || k.startsWith("updates disabled")
                        || k.equals("no update block")
                        || k.startsWith("manual")
                        || k.startsWith("update."));
    }

    @Test
    void theWolfiCorpusOrdersEveryRecipeAfterWhatItsEnvironmentResolvesTo() throws Exception {
        Path pipelines = corpus().resolveSibling("pipelines");
        RecipeLoader loader = new RecipeLoader(List.of(pipelines));
        List<Recipe> recipes = new ArrayList<>();
        try (Stream<Path> files = Files.list(corpus())) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try {
                    recipes.add(loader.load(f));
                } catch (RecipeException e) {
                    // counted by the loader's own corpus test
                }
            }
        }
        long t0 = System.nanoTime();
        RebuildGraph g = RebuildGraph.of(
                recipes, new RecipeCompiler(PipelineLibrary.withBuiltins(List.of(pipelines))), RebuildGraphTest.X86);
        long t1 = System.nanoTime();
        RebuildGraph.Order order = g.order();
        long t2 = System.nanoTime();
        System.out.printf(
                "wolfi graph: built in %d ms, ordered in %d ms%n", (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
        assertThat(order.origins()).hasSize((int)
                recipes.stream().map(r -> r.pkg().name()).distinct().count());
        Map<String, Integer> pos = new java.util.HashMap<>();
        for (int i = 0; i < order.origins().size(); i++) {
            pos.put(order.origins().get(i), i);
        }
        // the examples: a toolchain named through vars, and build-base's runtime closure
        assertThat(g.dependenciesOf("age")).contains("go-1.27");
        assertThat(pos.get("go-1.27")).isLessThan(pos.get("age"));
        assertThat(g.dependenciesOf("openssl")).contains("build-base", "binutils", "gcc", "make", "pkgconf");
        assertThat(g.originOf("openssl-dev")).isEqualTo("openssl");
        // every reported cycle is a real one, and every edge not broken points backwards in the order
        for (RebuildGraph.Cycle c : order.cycles()) {
            for (int i = 0; i < c.members().size(); i++) {
                assertThat(g.orderDependenciesOf(c.members().get(i)))
                        .as(c.toString())
                        .contains(c.members().get((i + 1) % c.members().size()));
            }
        }
        java.util.Set<RebuildGraph.Edge> broken = new java.util.HashSet<>(order.brokenEdges());
        int edges = 0;
        for (String o : order.origins()) {
            for (String d : g.orderDependenciesOf(o)) {
                edges++;
                if (!broken.contains(new RebuildGraph.Edge(o, d))) {
                    assertThat(pos.get(d)).as(o + " -> " + d).isLessThan(pos.get(o));
                }
            }
        }
        long unresolved =
                order.origins().stream().mapToLong(o -> g.unresolved(o).size()).sum();
        System.out.printf(
                "wolfi graph: %d recipes, %d edges checked, %d cycles broken (%d at bootstrap edges, %d at test edges),"
                        + " %d recipes not compiled, %d environment atoms unresolved%n",
                order.origins().size(),
                edges,
                order.cycles().size(),
                order.cycles().stream().filter(RebuildGraph.Cycle::bootstrap).count(),
                order.brokenEdges().stream()
                        .filter(e -> g.testDependenciesOf(e.from()).contains(e.to()))
                        .count(),
                g.problems().size(),
                unresolved);
    }
}
