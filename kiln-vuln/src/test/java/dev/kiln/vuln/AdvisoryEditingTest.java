package dev.kiln.vuln;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdvisoryEditingTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);
    static final String DOC = """
            schema-version: 2.0.2

            # hand-written comment that must survive
            package:
              name: zlib

            advisories:
              - id: CGA-2222-2222-2222
                aliases:
                  - CVE-2022-37434
                events:
                  - timestamp: 2024-01-01T00:00:00Z
                    type: detection
                    data:
                      type: manual
                  - timestamp: 2024-01-02T00:00:00Z
                    type: pending-upstream-fix
                    data:
                      note: |
                        upstream has
                        no release yet

              - id: CGA-xxxx-xxxx-xxxx
                aliases: [CVE-2023-45853]
                events:
                  - timestamp: 2024-01-01T00:00:00Z
                    type: fixed
                    data:
                      fixed-version: 1.3.1-r0
            """;

    @TempDir
    Path dir;

    @Test
    void updateInsertsOnlyTheNewEventAfterTheAdvisorysLastEvent() throws Exception {
        Path file = dir.resolve("zlib.advisories.yaml");
        Files.writeString(file, DOC);
        new AdvisoryEditor(dir, CLOCK, new Random(1))
                .update("zlib", "CVE-2022-37434", AdvisoryEvent.fixed(Instant.parse("2024-02-01T00:00:00Z"), "1.3-r0"));
        String after = Files.readString(file);
        String inserted = """
                      - timestamp: 2024-02-01T00:00:00Z
                        type: fixed
                        data:
                          fixed-version: 1.3-r0
                """;
        assertThat(after)
                .isEqualTo(DOC.replace("        no release yet\n\n", "        no release yet\n" + inserted + "\n"));
        AdvisoryDocument doc = new AdvisoryLoader(CLOCK).load(file);
        assertThat(doc.find("CVE-2022-37434")
                        .orElseThrow()
                        .latest()
                        .orElseThrow()
                        .fixedVersion())
                .isEqualTo("1.3-r0");
    }

    @Test
    void createInsertsANewAdvisoryInIdOrderAndKeepsTheRest() throws Exception {
        Path file = dir.resolve("zlib.advisories.yaml");
        Files.writeString(file, DOC);
        Advisory a = new AdvisoryEditor(dir, CLOCK, new Random(7))
                .create(
                        "zlib",
                        List.of("CVE-2018-25032"),
                        AdvisoryEvent.manualDetection(Instant.parse("2024-03-01T00:00:00Z")));
        String after = Files.readString(file);
        assertThat(after).contains("# hand-written comment that must survive").contains("- id: " + a.id());
        List<String> removed = new java.util.ArrayList<>(List.of(DOC.split("\n")));
        removed.removeAll(List.of(after.split("\n")));
        assertThat(removed).isEmpty();
        AdvisoryDocument doc = new AdvisoryLoader(CLOCK).load(file);
        assertThat(doc.advisories()).hasSize(3);
        assertThat(doc.advisories()).extracting(Advisory::id).isSorted();
    }

    @Test
    void editsThatWouldBreakTheDocumentLeaveTheFileUntouched() throws Exception {
        Path file = dir.resolve("zlib.advisories.yaml");
        Files.writeString(file, DOC);
        AdvisoryEditor ed = new AdvisoryEditor(dir, CLOCK, new Random(1));
        assertThatThrownBy(() -> ed.update(
                        "zlib", "CVE-2022-37434", AdvisoryEvent.fixed(Instant.parse("2024-02-01T00:00:00Z"), "1.3")))
                .isInstanceOf(VulnException.class)
                .hasMessageContaining(
                        "fixed-version must be a package version with" + " its revision (VERSION-rN), found '1.3'");
        assertThatThrownBy(() -> ed.create(
                        "zlib",
                        List.of("CVE-2023-45853"),
                        AdvisoryEvent.manualDetection(Instant.parse("2024-02-01T00:00:00Z"))))
                .hasMessageContaining("already has advisory CGA-xxxx-xxxx-xxxx");
        assertThat(Files.readString(file)).isEqualTo(DOC);
        try (var s = Files.list(dir)) {
            assertThat(s).hasSize(1); // no temporary files left behind
        }
    }

    @Test
    void loaderReportsEveryProblemWithItsLine() {
        String bad = """
                schema-version: 3.0.0
                package:
                  name: zlib
                  color: blue
                advisories:
                  - id: CGA-1111-1111-1111
                    aliases: [CVE-2022-37434, CVE-2022-37434]
                    events:
                      - timestamp: yesterday
                        type: fixed
                        data: {fixed-version: 1.3}
                      - timestamp: 2024-01-01T00:00:00Z
                        type: false-positive-determination
                        data: {type: it-is-fine}
                      - timestamp: 2030-01-01T00:00:00Z
                        type: detection
                        data: {type: manual}
                """;
        assertThatThrownBy(() -> new AdvisoryLoader(CLOCK).parse(bad, "zlib.advisories.yaml"))
                .isInstanceOfSatisfying(
                        VulnException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "zlib.advisories.yaml:1: field 'schema-version': major version must be 2, found '3.0.0'",
                                        "zlib.advisories.yaml:4: package: unknown field 'color', expected one of [name]",
                                        "zlib.advisories.yaml:6: advisory CGA-1111-1111-1111: field 'id' must match "
                                                + Advisory.ID.pattern() + ", found 'CGA-1111-1111-1111'",
                                        "zlib.advisories.yaml:7: advisory CGA-1111-1111-1111: alias CVE-2022-37434 is listed twice",
                                        "zlib.advisories.yaml:9: advisory CGA-1111-1111-1111: event timestamp: expected RFC 3339 (e.g. "
                                                + "2024-07-31T07:29:00Z), found 'yesterday'",
                                        "zlib.advisories.yaml:11: advisory CGA-1111-1111-1111: fixed event: fixed-version must be a"
                                                + " package version with its revision (VERSION-rN), found '1.3'",
                                        "zlib.advisories.yaml:14: advisory CGA-1111-1111-1111: false-positive-determination event:"
                                                + " unknown false-positive type 'it-is-fine', expected one of [vulnerability-record-analysis-contested,"
                                                + " component-vulnerability-mismatch, vulnerable-code-version-not-used,"
                                                + " vulnerable-code-not-included-in-package, vulnerable-code-not-in-execution-path,"
                                                + " vulnerable-code-cannot-be-controlled-by-adversary, inline-mitigations-exist]",
                                        "zlib.advisories.yaml:15: advisory CGA-1111-1111-1111: event timestamp 2030-01-01T00:00:00Z is"
                                                + " more than two hours in the future"));
        assertThatThrownBy(() -> new AdvisoryLoader(CLOCK).parse("a: [", "x.yaml"))
                .hasMessageContaining("x.yaml:")
                .hasMessageContaining("not valid YAML");
    }
}
