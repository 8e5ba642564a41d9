package dev.kiln.vuln;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.vuln.feed.OsvRecord;
import dev.kiln.vuln.inventory.Distro;
import dev.kiln.vuln.inventory.Inventories;
import dev.kiln.vuln.inventory.Inventory;
import dev.kiln.vuln.inventory.Rootfs;
import dev.kiln.vuln.match.CompiledFeed;
import dev.kiln.vuln.match.DistroFeed;
import dev.kiln.vuln.match.Finding;
import dev.kiln.vuln.match.Matcher;
import dev.kiln.vuln.match.OsvIndex;
import dev.kiln.vuln.match.ScanReport;
import dev.kiln.vuln.report.ScanReports;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OS packages are matched only against advisory sources of their own distribution and release (issue 15, 1 and 8). */
class DistroGatingTest {
    static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path tmp;

    /** Wolfi's advisory data: openssl fixed in 3.4.1-r0, filed an hour after detection. */
    private DistroFeed wolfiFeed() {
        AdvisoryEditor ed = new AdvisoryEditor(tmp.resolve("advisories"), CLOCK, new Random(7));
        Advisory a = ed.create("openssl", List.of("CVE-2099-1000"), AdvisoryEvent.manualDetection(T0));
        ed.update("openssl", a.id(), AdvisoryEvent.fixed(T0.plusSeconds(3600), "3.4.1-r0"));
        return DistroFeed.of(AdvisoryStore.load(tmp.resolve("advisories"), CLOCK), new Distro("wolfi", ""));
    }

    /** An APK root with libcrypto3 (origin openssl) 3.4.0-r3 and the given os-release (none when null). */
    private Inventory apkRoot(String name, String osRelease, Map<String, String> more) throws Exception {
        Path root = tmp.resolve(name);
        write(root, "lib/apk/db/installed", "P:libcrypto3\nV:3.4.0-r3\nA:x86_64\no:openssl\n\n");
        if (osRelease != null) {
            write(root, "etc/os-release", osRelease);
        }
        for (Map.Entry<String, String> e : more.entrySet()) {
            write(root, e.getKey(), e.getValue());
        }
        return Inventories.of(Rootfs.ofDirectory(root));
    }

    @Test
    void distributionAdvisoriesApplyOnlyToTheirDistribution() throws Exception {
        DistroFeed feed = wolfiFeed();
        ScanReport wolfi = new Matcher(feed, OsvIndex.empty(), List.of())
                .scan("w", apkRoot("wolfi", "ID=wolfi\nVERSION_ID=20230201\n", Map.of()), List.of(), null);
        assertThat(wolfi.ids()).containsExactly("CVE-2099-1000");
        assertThat(wolfi.sources()).containsExactly("distribution advisories (wolfi)");
        assertThat(wolfi.warnings()).isEmpty();
        assertThat(wolfi.feedUpdated()).isEqualTo(T0.plusSeconds(3600)); // the feed's own date

        ScanReport relabelled = new Matcher(feed, OsvIndex.empty(), List.of())
                .scan("a", apkRoot("alpine", "ID=alpine\nVERSION_ID=3.18.4\n", Map.of()), List.of(), null);
        assertThat(relabelled.findings()).isEmpty();
        assertThat(relabelled.sources()).isEmpty();
        assertThat(relabelled.warnings())
                .singleElement()
                .asString()
                .contains("no advisory source covers alpine 3.18")
                .contains("1 OS packages were not matched")
                .contains("given: distribution advisories (wolfi)");
        assertThat(ScanReports.table(relabelled))
                .contains("WARNING: no advisory source covers alpine 3.18")
                .contains("(alpine 3.18.4)")
                .contains("sources: none");
        assertThat(new String(ScanReports.json(relabelled), StandardCharsets.UTF_8))
                .contains("\"warnings\" : [ \"no advisory");
    }

    @Test
    void osvRecordsApplyOnlyToTheirDistributionAndRelease() throws Exception {
        List<OsvRecord> records = List.of(
                osv("ALPINE-1", "Alpine:v3.18", "openssl", "3.4.1-r0"),
                osv("WOLFI-1", "Wolfi", "openssl", "3.4.1-r0"),
                osv("ALPINE-2", "Alpine:v3.19", "openssl", "3.4.1-r0"));
        Matcher m = new Matcher(DistroFeed.empty(), new OsvIndex(records), List.of());
        assertThat(m.scan("w", apkRoot("wolfi", "ID=wolfi\nVERSION_ID=20230201\n", Map.of()), List.of(), null)
                        .ids())
                .containsExactly("WOLFI-1");
        ScanReport alpine = m.scan("a", apkRoot("alpine", "ID=alpine\nVERSION_ID=3.18.4\n", Map.of()), List.of(), null);
        assertThat(alpine.ids()).containsExactly("ALPINE-1");
        assertThat(alpine.sources()).containsExactly("osv:Alpine:v3.18");
        // no os-release: the APK repositories say which distribution and release this is
        Inventory fromRepos = apkRoot(
                "repos",
                null,
                Map.of(
                        "etc/apk/repositories",
                        "https://dl-cdn.alpinelinux.org/alpine/v3.19/main\nhttps://dl-cdn.alpinelinux.org/alpine/v3.19/community\n"));
        assertThat(fromRepos.distribution()).isEqualTo(new Distro("alpine", "3.19"));
        assertThat(m.scan("r", fromRepos, List.of(), null).ids()).containsExactly("ALPINE-2");
        ScanReport unknown = m.scan("u", apkRoot("unknown", null, Map.of()), List.of(), null);
        assertThat(unknown.findings()).isEmpty();
        assertThat(unknown.warnings()).singleElement().asString().contains("distribution is unknown");
    }

    @Test
    void debianPackagesMatchOnlyTheirOwnRelease() throws Exception {
        Path root = tmp.resolve("deb");
        write(root, "var/lib/dpkg/status", """
                Package: libc6
                Status: install ok installed
                Architecture: amd64
                Source: glibc
                Version: 2.36-9+deb12u4
                """);
        write(root, "etc/dpkg/origins/default", "Vendor: Debian\nVendor-URL: https://www.debian.org/\n");
        write(root, "etc/debian_version", "12.8\n");
        Inventory inv = Inventories.of(Rootfs.ofDirectory(root)); // a distroless-style root without os-release
        assertThat(inv.distribution()).isEqualTo(new Distro("debian", "12"));
        List<OsvRecord> records = List.of(
                osv("DEB11", "Debian:11", "glibc", "2.36-9+deb12u9"),
                osv("UBUNTU", "Ubuntu:22.04:LTS", "glibc", "2.36-9+deb12u9"),
                osv("DEB12", "Debian:12", "glibc", "2.36-9+deb12u9"));
        ScanReport r =
                new Matcher(DistroFeed.empty(), new OsvIndex(records), List.of()).scan("d", inv, List.of(), null);
        assertThat(r.findings()).extracting(Finding::id).containsExactly("DEB12");
        assertThat(r.sources()).containsExactly("osv:Debian:12");
        assertThat(ScanReports.table(r)).contains("(debian 12.8)").doesNotContain("(debian )");
    }

    @Test
    void compiledFeedKeepsItsDistributionAndDate() throws Exception {
        DistroFeed feed = wolfiFeed();
        Path file = tmp.resolve("feed.bin");
        CompiledFeed.write(feed, file);
        DistroFeed read = CompiledFeed.read(file);
        assertThat(read.distro()).isEqualTo(new Distro("wolfi", ""));
        assertThat(read.updated()).isEqualTo(T0.plusSeconds(3600));
        ScanReport r = new Matcher(read, OsvIndex.empty(), List.of())
                .scan("w", apkRoot("wolfi", "ID=wolfi\nVERSION_ID=20230201\n", Map.of()), List.of(), null);
        assertThat(ScanReports.table(r))
                .startsWith("w: 1 packages (wolfi 20230201), advisories as of 2026-11-01T11:00:00Z\n");
    }

    @Test
    void distrosParseAndCompareByTheReleaseTheirFeedsName() {
        assertThat(Distro.ofOsv("Alpine:v3.18")).contains(new Distro("alpine", "3.18"));
        assertThat(Distro.ofOsv("Ubuntu:Pro:22.04:LTS")).contains(new Distro("ubuntu", "22.04"));
        assertThat(Distro.ofOsv("PyPI")).isEmpty();
        assertThat(new Distro("alpine", "3.18").covers(new Distro("alpine", "3.18.9")))
                .isTrue();
        assertThat(new Distro("alpine", "3.18").covers(new Distro("alpine", "3.19.1")))
                .isFalse();
        assertThat(new Distro("wolfi", "").covers(new Distro("wolfi", "20230201")))
                .isTrue();
        assertThat(Distro.UNKNOWN.covers(Distro.UNKNOWN)).isFalse();
        assertThat(Distro.parse("alpine:v3.18")).isEqualTo(new Distro("alpine", "3.18"));
    }

    private static OsvRecord osv(String id, String ecosystem, String name, String fixed) {
        return new OsvRecord(
                id,
                T0,
                T0,
                null,
                List.of(),
                List.of(),
                null,
                null,
                List.of(),
                List.of(new OsvRecord.Affected(
                        ecosystem,
                        name,
                        null,
                        List.of(new OsvRecord.Range(
                                "ECOSYSTEM",
                                null,
                                List.of(
                                        new OsvRecord.Event(OsvRecord.Event.Kind.INTRODUCED, "0"),
                                        new OsvRecord.Event(OsvRecord.Event.Kind.FIXED, fixed)))),
                        List.of(),
                        Map.of(),
                        Map.of())),
                Map.of("severity", "HIGH"));
    }

    private static void write(Path root, String path, String content) throws Exception {
        Path p = root.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }
}
