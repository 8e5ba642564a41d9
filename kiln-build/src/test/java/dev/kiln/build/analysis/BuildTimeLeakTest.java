package dev.kiln.build.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildTimeLeakTest {
    private static final LocalDate BUILD_DAY = LocalDate.of(2026, 12, 3);
    /** 2023-11-14 22:13:20 UTC: another day than the build's. */
    private static final long EPOCH = 1_700_000_000L;

    @Test
    void theFormsProgramsPrintADayIn() {
        assertThat(BuildTimeLeak.markers(BUILD_DAY)).containsExactly("2026-12-03", "Dec  3 2026", "Thu Dec  3 ");
        assertThat(BuildTimeLeak.markers(LocalDate.of(2026, 11, 14)))
                .containsExactly("2026-11-14", "Nov 14 2026", "Sat Nov 14 ");
    }

    @Test
    void findsTheBuildsDayAsPerlsConfigureWritesIt(@TempDir Path dir) throws Exception {
        write(dir.resolve("usr/lib/perl5/core_perl/Config_heavy.pl"), "cf_time='Thu Dec  3 10:21:07 UTC 2026'\n");
        write(dir.resolve("usr/lib/perl5/core_perl/Config.pm"), "osvers => '6.1',\n");
        write(dir.resolve("usr/bin/tool"), "built on Dec  3 2026 at 10:21:07\n");

        BuildTimeLeak.Finding finding =
                BuildTimeLeak.scan(dir, Set.of(BUILD_DAY), EPOCH).orElseThrow();

        assertThat(finding.path()).isEqualTo("usr/bin/tool");
        assertThat(finding.marker()).isEqualTo("Dec  3 2026");
        assertThat(finding.files()).isEqualTo(2);
        assertThat(finding.message(EPOCH))
                .isEqualTo("usr/bin/tool: contains the day of the build (\"Dec  3 2026\") (and 1 more files) though"
                        + " SOURCE_DATE_EPOCH is 2023-11-14: a rebuild will differ (take the time from"
                        + " SOURCE_DATE_EPOCH)");
    }

    @Test
    void findsADayThatStraddlesTwoReadBlocks(@TempDir Path dir) throws Exception {
        byte[] big = new byte[(1 << 20) + 100];
        byte[] marker = "2026-12-03".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(marker, 0, big, (1 << 20) - 4, marker.length);
        Files.write(dir.resolve("blob"), big);

        assertThat(BuildTimeLeak.scan(dir, Set.of(BUILD_DAY), EPOCH)).isPresent();
    }

    @Test
    void saysNothingWhenTheDayIsSourceDateEpochsOrAbsent(@TempDir Path dir) throws Exception {
        write(dir.resolve("usr/share/doc/NEWS"), "released 2023-11-14\n");
        write(dir.resolve("var/lib/db/sbom/p.spdx.json"), "{\"created\": \"2026-12-03T10:00:00Z\"}");
        assertThat(BuildTimeLeak.scan(dir, Set.of(BUILD_DAY), EPOCH)).isEmpty();

        write(dir.resolve("usr/share/doc/BUILD"), "built 2023-11-14 and 2026-12-03\n");
        assertThat(BuildTimeLeak.scan(dir, Set.of(LocalDate.of(2023, 11, 14)), EPOCH))
                .as("the build ran on SOURCE_DATE_EPOCH's day: its date may come from it")
                .isEmpty();
        assertThat(BuildTimeLeak.scan(dir, Set.of(BUILD_DAY), EPOCH)).isPresent();
    }

    private static void write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
