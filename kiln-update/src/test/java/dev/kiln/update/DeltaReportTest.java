package dev.kiln.update;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testkit.FixtureGitRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaReportTest {
    static final String RECIPE = """
            package:
              name: foo
              version: "1.0"
            pipeline:
              # fixes CVE-2024-12345, sent upstream as PR 7
              - uses: patch
                with:
                  patches: a.patch b.patch # both from Debian
              - runs: make
            """;
    final Clock clock = Clock.fixed(Instant.ofEpochSecond(1_600_000_000L + 86_400L * 10), ZoneOffset.UTC);

    @Test
    void reasonsAdvisoriesAndAgeFromGitHistory(@TempDir Path dir) {
        try (FixtureGitRepo repo = new FixtureGitRepo(dir)) {
            repo.commit("add foo", Map.of("foo.yaml", RECIPE, "foo/a.patch", "x", "foo/b.patch", "y"));
            var deltas = new DeltaReport(clock).of(dir.resolve("foo.yaml"), "foo");
            assertThat(deltas).extracting(DeltaReport.Delta::patch).containsExactly("a.patch", "b.patch");
            DeltaReport.Delta a = deltas.get(0);
            assertThat(a.reason()).isEqualTo("fixes CVE-2024-12345, sent upstream as PR 7 both from Debian");
            assertThat(a.advisories()).containsExactly("CVE-2024-12345");
            assertThat(a.sinceSource()).isEqualTo("git");
            assertThat(a.carried()).isEqualTo(Duration.ofDays(10));
        }
    }

    @Test
    void outsideGitTheFileTimeCounts(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("foo.yaml"), RECIPE);
        Files.createDirectories(dir.resolve("foo"));
        for (String p : new String[] {"a.patch", "b.patch"}) {
            Files.writeString(dir.resolve("foo").resolve(p), "x");
            Files.setLastModifiedTime(
                    dir.resolve("foo").resolve(p), FileTime.from(Instant.ofEpochSecond(1_600_000_000L)));
        }
        var deltas = new DeltaReport(clock).of(dir.resolve("foo.yaml"), "foo");
        assertThat(deltas.get(1).sinceSource()).isEqualTo("mtime");
        assertThat(deltas.get(1).carried()).isEqualTo(Duration.ofDays(10));
    }
}
