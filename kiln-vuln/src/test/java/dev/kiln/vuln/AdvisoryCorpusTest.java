package dev.kiln.vuln;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class AdvisoryCorpusTest {
    static final Path CORPUS = Path.of(System.getProperty("kiln.repo.root", "."))
            .resolve("../shared/corpora/wolfi-advisories").normalize();
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);

    @Test
    void everyWolfiDocumentLoadsAndValidates() {
        long started = System.nanoTime();
        AdvisoryStore store = AdvisoryStore.load(CORPUS, CLOCK);
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("loaded " + store.documentCount() + " documents, " + store.advisoryCount()
                + " advisories in " + millis + " ms");
        assertThat(store.documentCount()).isEqualTo(1616);
        assertThat(store.advisoryCount()).isEqualTo(30030);
    }
}
