package dev.kiln.vuln;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.vuln.feed.OsvCodec;
import dev.kiln.vuln.feed.OsvGenerator;
import dev.kiln.vuln.feed.OsvRecord;
import dev.kiln.vuln.feed.SecDb;
import dev.kiln.vuln.match.CompiledFeed;
import dev.kiln.vuln.match.DistroEntry;
import dev.kiln.vuln.match.DistroFeed;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Wolfi corpus as a whole: it loads, the secdb and OSV generated from it follow the reference rules, and its
 * compiled feed reads back entry for entry, in every state. Failsafe runs it: loading 1,616 documents takes longer
 * than the fast tier allows (README, Tests).
 */
class AdvisoryCorpusIT {
    @TempDir
    Path tmp;

    static final Path CORPUS = Path.of(System.getProperty("kiln.repo.root", "."))
            .resolve("../shared/corpora/wolfi-advisories")
            .normalize();
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);
    static AdvisoryStore store;

    @BeforeAll
    static void load() {
        store = AdvisoryStore.load(CORPUS, CLOCK);
    }

    @Test
    void everyWolfiDocumentLoadsAndValidates() {
        assertThat(store.documentCount()).isEqualTo(1616);
        assertThat(store.advisoryCount()).isEqualTo(30030);
    }

    @Test
    void secdbFilesEachAdvisoryByItsLatestEventOnly() {
        SecDb secdb = SecDb.generate(store.documents(), SecDb.Options.wolfiDefaults());
        int fixed = 0;
        int naks = 0;
        int open = 0;
        int reopened = 0;
        for (AdvisoryDocument doc : store.documents()) {
            Map<String, List<String>> fixes = secdb.packages().getOrDefault(doc.packageName(), Map.of());
            for (Advisory a : doc.advisories()) {
                AdvisoryEvent latest = a.latest().orElseThrow();
                switch (latest.type()) {
                    case FIXED -> {
                        assertThat(fixes.get(latest.fixedVersion()))
                                .as(doc.packageName() + " " + a.id())
                                .containsAll(a.aliases())
                                .doesNotContain(a.id());
                        fixed++;
                    }
                    case FALSE_POSITIVE_DETERMINATION -> {
                        assertThat(fixes.get("0"))
                                .as(doc.packageName() + " " + a.id())
                                .containsAll(a.aliases());
                        naks++;
                    }
                    default -> {
                        for (String alias : a.aliases()) {
                            assertThat(fixes.values())
                                    .as(doc.packageName() + " " + alias)
                                    .noneMatch(ids -> ids.contains(alias));
                        }
                        open++;
                        if (a.events().stream().anyMatch(e -> e.type() == EventType.FIXED)) {
                            reopened++;
                        }
                    }
                }
            }
        }
        // every event type occurs, including a fix that a later event superseded
        assertThat(fixed).isGreaterThan(15_000);
        assertThat(naks).isGreaterThan(2_000);
        assertThat(open).isGreaterThan(1_000);
        assertThat(reopened).isPositive();
    }

    @Test
    void secdbJsonKeysRunNewestFirstWithNakLast() {
        SecDb secdb = SecDb.generate(List.of(store.get("age").orElseThrow()), SecDb.Options.wolfiDefaults());
        List<String> keys = List.copyOf(secdb.packages().get("age").keySet());
        assertThat(keys.get(keys.size() - 1)).isEqualTo("0");
        for (int i = 0; i + 2 < keys.size(); i++) {
            assertThat(dev.kiln.apk.ApkVersion.compare(keys.get(i), keys.get(i + 1)))
                    .isPositive();
        }
        SecDb back = SecDb.parse(secdb.toJson(), "age.json");
        assertThat(back.packages()).isEqualTo(secdb.packages());
    }

    @Test
    void osvRecordsCarryEveryStatusAndRoundTrip() {
        List<OsvRecord> records =
                new OsvGenerator("Kiln", "kiln", List.of("x86_64", "aarch64")).generate(store.documents());
        assertThat(records).hasSize(30030);
        Map<String, Long> statuses = records.stream()
                .collect(java.util.stream.Collectors.groupingBy(
                        r -> Objects.toString(
                                r.affected().get(0).ecosystemSpecific().get("status")),
                        java.util.stream.Collectors.counting()));
        assertThat(statuses)
                .containsKeys(
                        "fixed",
                        "false-positive-determination",
                        "pending-upstream-fix",
                        "fix-not-planned",
                        "true-positive-determination",
                        "detection");
        OsvRecord nak = records.stream()
                .filter(r -> "false-positive-determination"
                        .equals(r.affected().get(0).ecosystemSpecific().get("status")))
                .findFirst()
                .orElseThrow();
        assertThat(nak.affected().get(0).ranges().get(0).events())
                .extracting(OsvRecord.Event::version)
                .containsExactly("0", "0");
        assertThat(nak.affected()).hasSize(2);
        assertThat(OsvCodec.parse(OsvCodec.toJson(nak), "x")).containsExactly(nak);
    }

    @Test
    void theCompiledFeedOfTheWholeCorpusRoundTrips() {
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
}
