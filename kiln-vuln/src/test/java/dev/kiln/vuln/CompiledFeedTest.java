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
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compiled feed reads back entry for entry, in every state, and one that is not a feed is rejected with its file
 * name. {@link AdvisoryCorpusIT} round-trips the whole Wolfi corpus.
 */
class CompiledFeedTest {
    static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path tmp;

    @Test
    void aFeedWithEveryStatusRoundTrips() {
        AdvisoryEditor ed = new AdvisoryEditor(tmp.resolve("advisories"), CLOCK, new Random(7));
        Advisory fixed = ed.create("openssl", List.of("CVE-2099-1000"), AdvisoryEvent.manualDetection(T0));
        ed.update("openssl", fixed.id(), AdvisoryEvent.fixed(T0.plusSeconds(3600), "3.4.1-r0"));
        ed.create(
                "openssl",
                List.of("CVE-2099-1001"),
                AdvisoryEvent.falsePositive(T0, FalsePositiveType.COMPONENT_VULNERABILITY_MISMATCH, "not built"));
        ed.create("zlib", List.of("CVE-2099-1002"), AdvisoryEvent.manualDetection(T0));
        DistroFeed feed = DistroFeed.of(AdvisoryStore.load(tmp.resolve("advisories"), CLOCK));
        Path file = tmp.resolve("feed.bin");
        CompiledFeed.write(feed, file);
        DistroFeed back = CompiledFeed.read(file);

        assertThat(back.packageNames()).isEqualTo(feed.packageNames()).containsExactlyInAnyOrder("openssl", "zlib");
        for (String p : feed.packageNames()) {
            assertThat(back.entries(p)).as(p).isEqualTo(feed.entries(p));
        }
        assertThat(feed.packageNames().stream()
                        .flatMap(p -> feed.entries(p).stream())
                        .map(DistroEntry::status)
                        .distinct())
                .containsExactlyInAnyOrder(DistroEntry.Status.values());
        assertThat(CompiledFeed.encode(back)).isEqualTo(CompiledFeed.encode(feed));
    }

    @Test
    void corruptFilesAreRejectedWithTheirName() throws Exception {
        DistroFeed feed = DistroFeed.of(AdvisoryStore.of(List.of()));
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
