package dev.kiln.vuln;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.vuln.match.CompiledFeed;
import dev.kiln.vuln.match.DistroEntry;
import dev.kiln.vuln.match.DistroFeed;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compiled feed of the whole Wolfi corpus reads back entry for entry, in every state. */
class CompiledFeedTest {
    @TempDir
    Path tmp;

    @Test
    void theWolfiCorpusRoundTrips() {
        Path corpus = Path.of(System.getProperty("kiln.repo.root", "..")).resolve("../shared/corpora/wolfi-advisories");
        DistroFeed feed = DistroFeed.of(AdvisoryStore.load(corpus, Clock.systemUTC()));
        Path file = tmp.resolve("feed.bin");
        CompiledFeed.write(feed, file);
        DistroFeed back = CompiledFeed.read(file);

        assertThat(back.packageNames()).isEqualTo(feed.packageNames()).hasSizeGreaterThan(1600);
        long entries = 0;
        for (String p : feed.packageNames()) {
            assertThat(back.entries(p)).as(p).isEqualTo(feed.entries(p));
            entries += feed.entries(p).size();
        }
        assertThat(entries).isEqualTo(30_030);
        assertThat(feed.packageNames().stream()
                        .flatMap(p -> feed.entries(p).stream())
                        .map(DistroEntry::status)
                        .distinct())
                .containsExactlyInAnyOrder(DistroEntry.Status.values());
        assertThat(CompiledFeed.encode(back)).isEqualTo(CompiledFeed.encode(feed));
    }

    @Test
    void corruptFilesAreRejectedWithTheirName() throws Exception {
        DistroFeed feed = DistroFeed.of(AdvisoryStore.of(java.util.List.of()));
        byte[] ok = CompiledFeed.encode(feed);
        assertThat(CompiledFeed.decode(ByteBuffer.wrap(ok), "f").packageNames()).isEmpty();
        Path bad = tmp.resolve("bad.bin");
        Files.writeString(bad, "schema-version: 2\n");
        assertThatThrownBy(() -> CompiledFeed.read(bad))
                .isInstanceOf(VulnException.class)
                .hasMessageContaining("bad.bin")
                .hasMessageContaining("KILNFEED");
        assertThatThrownBy(() -> CompiledFeed.decode(ByteBuffer.wrap(Arrays.copyOf(ok, ok.length - 2)), "cut.bin"))
                .isInstanceOf(VulnException.class)
                .hasMessageContaining("cut.bin")
                .hasMessageContaining("truncated");
    }
}
