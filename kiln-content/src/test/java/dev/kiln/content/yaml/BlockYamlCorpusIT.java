package dev.kiln.content.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The fast composer agrees with the tree YamlTree composes from SnakeYAML on every document of the Wolfi advisory
 * corpus that it reads. Failsafe runs it: composing 1,616 documents twice takes longer than the fast tier allows
 * (README, Tests).
 */
class BlockYamlCorpusIT {
    static final Path CORPUS =
            Path.of(System.getProperty("kiln.repo.root", ".")).resolve("../shared/corpora/wolfi-advisories");

    @Test
    void agreesWithSnakeYamlOnTheWholeCorpus() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(CORPUS)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        List<String> diffs = new ArrayList<>();
        int fast = 0;
        for (Path f : files) {
            String text = Files.readString(f);
            YamlNode n = BlockYaml.compose(text);
            if (n != null) {
                fast++;
                BlockYamlTest.same(n, BlockYamlTest.snake(text), f.getFileName().toString(), diffs);
            }
        }
        assertThat(diffs).isEmpty();
        assertThat(fast).as("documents the fast composer reads").isGreaterThan(files.size() * 9 / 10);
    }
}
