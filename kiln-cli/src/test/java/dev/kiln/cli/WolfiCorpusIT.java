package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code kiln lint} over the whole Wolfi corpus (3,401 recipes). Failsafe runs it: reading the corpus takes
 * longer than the fast tier allows (README, Tests); {@link CliTest} lints a one-recipe tree.
 */
class WolfiCorpusIT {
    static final Path CORPUS = CliTest.ROOT.resolve("../shared/corpora/wolfi-os");

    @Test
    void lintsTheWholeWolfiCorpus() {
        CliRun run = CliRun.of(
                "lint",
                CORPUS.resolve("recipes").toString(),
                "--pipeline-dir",
                CORPUS.resolve("pipelines").toString(),
                "--summary",
                "--json");
        // openjph writes '${{package.name} libraries', one brace short: the one recipe that fails
        assertThat(run.out())
                .contains("\"event\":\"summary\"")
                .contains("\"recipes\":3401")
                .contains("\"loaded\":3400")
                .contains("\"failed\":1")
                .contains("openjph.yaml:101:18: unterminated '${{'");
    }
}
