package dev.kiln.update;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.recipe.RecipeException;
import dev.kiln.recipe.RecipeLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every Wolfi update block maps to a monitor configuration or a precise reason (no network). */
class MonitorCorpusTest {
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
}
