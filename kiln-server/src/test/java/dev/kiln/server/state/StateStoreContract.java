package dev.kiln.server.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.server.state.Records.Build;
import dev.kiln.server.state.Records.BuildResult;
import dev.kiln.server.state.Records.Run;
import dev.kiln.server.state.Records.RunStatus;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The state store's behaviour, run against each database Kiln supports by the subclasses. */
abstract class StateStoreContract {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

    /** A JDBC URL of a new, empty database. */
    abstract String freshDatabase() throws Exception;

    @Test
    void migratesOnceAndRecordsARunWithItsBuildsImagesAndChecks() throws Exception {
        String url = freshDatabase();
        long runId;
        try (StateStore store = StateStore.open(url, CLOCK, "host-a", 1, pid -> true)) {
            assertThat(store.schemaVersion()).isEqualTo(Migrations.FILES.size());
            runId = store.startRun("up");
            store.recordBuild(
                    runId,
                    "recipes/hello.yaml",
                    "hello",
                    "ab".repeat(32),
                    Instant.parse("2026-03-01T11:59:00Z"),
                    61_000,
                    BuildResult.SUCCEEDED,
                    List.of("hello-2.10-r0", "hello-doc-2.10-r0"),
                    "/state/logs/hello.log",
                    null);
            store.recordBuild(
                    runId,
                    "recipes/broken.yaml",
                    "broken",
                    null,
                    Instant.parse("2026-03-01T11:59:30Z"),
                    5,
                    BuildResult.FAILED,
                    List.of(),
                    null,
                    "step 2 failed: exit 1");
            store.recordImage(
                    runId,
                    "hello",
                    "127.0.0.1:5000/kiln/hello:latest",
                    "sha256:" + "cd".repeat(32),
                    true,
                    true,
                    new Records.ImageContents(
                            4096,
                            List.of(new Records.ImagePackage("hello", "2.10-r0", "GPL-3.0-or-later", "hello")),
                            List.of(new Records.Document(
                                    Records.Document.SPDX, "application/json", "{\"spdxVersion\":\"SPDX-2.3\"}"))));
            store.recordCheck(runId, "hello.yaml", "hello", "2.10", "2.12", "release-monitoring", "UPDATE", null);
            store.finishRun(runId, RunStatus.FAILED, "1 built, 1 failed");
        }
        // reopening applies nothing again and reads back what was written
        try (StateStore store = StateStore.open(url, CLOCK, "host-a", 2, pid -> true)) {
            assertThat(store.schemaVersion()).isEqualTo(Migrations.FILES.size());
            Run run = store.runs(10).get(0);
            assertThat(run)
                    .isEqualTo(new Run(
                            runId,
                            "up",
                            "host-a:1",
                            CLOCK.instant(),
                            CLOCK.instant(),
                            RunStatus.FAILED,
                            "1 built, 1 failed"));
            List<Build> builds = store.builds(runId);
            assertThat(builds).extracting(Build::recipe).containsExactly("recipes/hello.yaml", "recipes/broken.yaml");
            assertThat(builds.get(0).outputs()).containsExactly("hello-2.10-r0", "hello-doc-2.10-r0");
            assertThat(builds.get(0).durationMillis()).isEqualTo(61_000);
            assertThat(builds.get(1).outputs()).isEmpty();
            assertThat(builds.get(1).result()).isEqualTo(BuildResult.FAILED);
            assertThat(builds.get(1).message()).isEqualTo("step 2 failed: exit 1");
            assertThat(store.images(runId)).singleElement().satisfies(i -> {
                assertThat(i.digest()).isEqualTo("sha256:" + "cd".repeat(32));
                assertThat(i.pushed()).isTrue();
                assertThat(i.signed()).isTrue();
            });
            assertThat(store.catalog()).singleElement().satisfies(c -> {
                assertThat(c.latest().compressedSize()).isEqualTo(4096);
                assertThat(c.latest().packageCount()).isEqualTo(1);
                assertThat(c.rebuiltAt()).isEqualTo(CLOCK.instant());
            });
            assertThat(store.imagePackages("sha256:" + "cd".repeat(32)))
                    .extracting(Records.ImagePackage::license)
                    .containsExactly("GPL-3.0-or-later");
            assertThat(store.imageDocument("sha256:" + "cd".repeat(32), Records.Document.SPDX)
                            .content())
                    .contains("SPDX-2.3");
            assertThat(store.packageBuilds("broken", 5))
                    .singleElement()
                    .extracting(Build::message)
                    .isEqualTo("step 2 failed: exit 1");
            assertThat(store.checks(runId)).singleElement().satisfies(c -> {
                assertThat(c.newestVersion()).isEqualTo("2.12");
                assertThat(c.status()).isEqualTo("UPDATE");
            });
        }
    }

    @Test
    void recordsScansComparisonsAndPackageFactsReplacingEarlierOnes() throws Exception {
        String url = freshDatabase();
        String digest = "sha256:" + "ef".repeat(32);
        Records.Vulnerability open = new Records.Vulnerability(
                "CVE-2026-0001", "tool", "1.0.0-r0", "high", "1.0.1-r0", "fixed-available", "affected", null);
        Records.Vulnerability nak = new Records.Vulnerability(
                "CVE-2026-0002",
                "tool",
                "1.0.0-r0",
                "unknown",
                null,
                "not-affected",
                "not_affected",
                "vulnerable-code-not-in-execution-path");
        try (StateStore store = StateStore.open(url, CLOCK, "host-a", 1, pid -> true)) {
            long runId = store.startRun("up");
            store.recordImage(
                    runId,
                    "tool",
                    "r/kiln/tool:latest",
                    digest,
                    true,
                    false,
                    new Records.ImageContents(10, List.of(), List.of()));
            assertThat(store.catalog().get(0).cves()).as("never scanned").isNull();
            assertThat(store.imageScan(digest)).isNull();
            assertThat(store.comparison(digest)).isNull();

            store.recordScan(
                    digest,
                    new Records.ImageScan(
                            Instant.parse("2026-03-01T11:00:00Z"),
                            new Records.CveCounts(0, 1, 0, 0, 0),
                            null,
                            List.of("distribution advisories (kiln)"),
                            List.of(),
                            List.of(open, nak)));
            // a later scan of the same digest (new advisories) replaces the first, vulnerabilities included
            store.recordScan(
                    digest,
                    new Records.ImageScan(
                            CLOCK.instant(),
                            new Records.CveCounts(1, 1, 0, 0, 2),
                            Instant.parse("2026-02-01T00:00:00Z"),
                            List.of("distribution advisories (kiln)", "osv:Alpine"),
                            List.of("a warning"),
                            List.of(open, nak)));
            store.recordComparison(
                    digest,
                    new Records.Comparison(
                            "oci-archive:debian.tar",
                            new Records.Comparison.Side(10, 30, 1, 4),
                            new Records.Comparison.Side(-1, 80_000_000, 90, 40)));
            store.recordPackageFacts(
                    List.of("tool", "lib"),
                    java.util.Map.of(
                            "lib", List.of(new Records.Dependent("tool", true), new Records.Dependent("app", false))),
                    java.util.Map.of(
                            "tool",
                            List.of(new Records.Patch(
                                    "fix.patch", "CVE-2026-0001: backport", List.of("CVE-2026-0001"), null))));
            store.recordPackageFacts(List.of("app"), java.util.Map.of(), java.util.Map.of());
        }
        try (StateStore store = StateStore.open(url, CLOCK, "host-a", 2, pid -> true)) {
            assertThat(store.catalog().get(0).cves()).isEqualTo(new Records.CveCounts(1, 1, 0, 0, 2));
            Records.ImageScan scan = store.imageScan(digest);
            assertThat(scan.scannedAt()).isEqualTo(CLOCK.instant());
            assertThat(scan.counts().total()).isEqualTo(4);
            assertThat(scan.advisoriesAsOf()).isEqualTo(Instant.parse("2026-02-01T00:00:00Z"));
            assertThat(scan.sources()).containsExactly("distribution advisories (kiln)", "osv:Alpine");
            assertThat(scan.warnings()).containsExactly("a warning");
            assertThat(scan.vulnerabilities()).containsExactly(open, nak);
            assertThat(store.comparison(digest))
                    .isEqualTo(new Records.Comparison(
                            "oci-archive:debian.tar",
                            new Records.Comparison.Side(10, 30, 1, 4),
                            new Records.Comparison.Side(-1, 80_000_000, 90, 40)));
            assertThat(store.dependents("lib"))
                    .containsExactly(new Records.Dependent("tool", true), new Records.Dependent("app", false));
            assertThat(store.dependents("tool")).isEmpty();
            assertThat(store.patches("tool"))
                    .containsExactly(
                            new Records.Patch("fix.patch", "CVE-2026-0001: backport", List.of("CVE-2026-0001"), null));

            // facts are replaced per package: lib's dependents go, tool's patch stays
            store.recordPackageFacts(List.of("lib"), java.util.Map.of(), java.util.Map.of());
            assertThat(store.dependents("lib")).isEmpty();
            assertThat(store.patches("tool")).hasSize(1);
        }
    }

    @Test
    void findsAPublicationByItsInputsAndRecordsItFoundAgain() throws Exception {
        try (StateStore store = StateStore.open(freshDatabase(), CLOCK, "host-a", 1, pid -> true)) {
            long first = store.startRun("up");
            long id = store.recordImage(
                    first,
                    "hello",
                    "r/kiln/hello:latest",
                    "sha256:" + "ab".repeat(32),
                    true,
                    true,
                    new Records.ImageContents(
                            4096, List.of(new Records.ImagePackage("hello", "2.10-r0", null, "hello")), List.of()),
                    "12".repeat(32));
            assertThat(store.publicationWithInputs("hello", "34".repeat(32))).isNull();
            assertThat(store.publicationWithInputs("other", "12".repeat(32))).isNull();
            Records.ImagePublication found = store.publicationWithInputs("hello", "12".repeat(32));
            assertThat(found.id()).isEqualTo(id);

            long second = store.startRun("up");
            store.republish(second, found.id());
            assertThat(store.images(second)).singleElement().satisfies(p -> {
                assertThat(p.digest()).isEqualTo(found.digest());
                assertThat(p.compressedSize()).isEqualTo(4096);
                assertThat(p.packageCount()).isEqualTo(1);
                assertThat(p.pushed()).isFalse();
                assertThat(p.signed()).isFalse();
            });
            assertThat(store.publicationWithInputs("hello", "12".repeat(32)).runId())
                    .isEqualTo(second);
            // the digest was signed by the first run, so the catalog still shows it signed
            assertThat(store.catalog())
                    .singleElement()
                    .satisfies(c -> assertThat(c.signed()).isTrue());
        }
    }

    @Test
    void aRunWhoseProcessDiedIsMarkedInterruptedOnTheNextStart() throws Exception {
        String url = freshDatabase();
        long dead;
        long live;
        long elsewhere;
        try (StateStore first = StateStore.open(url, CLOCK, "host-a", 100, pid -> true);
                StateStore second = StateStore.open(url, CLOCK, "host-a", 200, pid -> true);
                StateStore other = StateStore.open(url, CLOCK, "host-b", 100, pid -> true)) {
            dead = first.startRun("up");
            live = second.startRun("update");
            elsewhere = other.startRun("up");
        }
        // process 100 of host-a crashed; 200 still runs; host-b's runs are host-b's to judge
        try (StateStore store = StateStore.open(url, CLOCK, "host-a", 300, pid -> pid == 200)) {
            assertThat(store.runs(10))
                    .extracting(Run::id, Run::status)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(elsewhere, RunStatus.RUNNING),
                            org.assertj.core.groups.Tuple.tuple(live, RunStatus.RUNNING),
                            org.assertj.core.groups.Tuple.tuple(dead, RunStatus.INTERRUPTED));
            assertThat(store.runs(10).get(2).summary()).contains("stopped before it finished");
        }
    }

    @Test
    void aFailedMigrationLeavesTheSchemaAtItsPreviousVersion() throws Exception {
        String url = freshDatabase();
        // a table in the way of version 1 makes its file fail half-way; nothing of it may stay behind
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE image_publications (x INTEGER)");
        }
        assertThatThrownBy(() -> StateStore.open(url, CLOCK, "host-a", 1, pid -> true))
                .isInstanceOf(StateException.class)
                .hasMessageContaining("cannot open the state database");
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            assertThat(Migrations.currentVersion(c)).isZero();
            s.execute("DROP TABLE image_publications");
        }
        try (StateStore store = StateStore.open(url, CLOCK, "host-a", 1, pid -> true)) {
            assertThat(store.schemaVersion()).isEqualTo(Migrations.FILES.size());
            assertThat(store.runs(1)).isEmpty();
        }
    }
}
