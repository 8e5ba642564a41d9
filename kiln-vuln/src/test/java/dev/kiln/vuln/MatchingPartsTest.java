package dev.kiln.vuln;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.content.TarHeader;
import dev.kiln.content.TarType;
import dev.kiln.content.TarWriter;
import dev.kiln.vuln.feed.OsvRecord;
import dev.kiln.vuln.feed.OsvStore;
import dev.kiln.vuln.inventory.Inventories;
import dev.kiln.vuln.inventory.Inventory;
import dev.kiln.vuln.inventory.InventoryPackage;
import dev.kiln.vuln.inventory.Rootfs;
import dev.kiln.vuln.match.DistroFeed;
import dev.kiln.vuln.match.Matcher;
import dev.kiln.vuln.match.OsvIndex;
import dev.kiln.vuln.match.ScanReport;
import dev.kiln.vuln.match.Severity;
import dev.kiln.vuln.report.ScanReports;
import dev.kiln.vuln.version.Ecosystem;
import dev.kiln.vuln.version.VersionScheme;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MatchingPartsTest {
    @TempDir
    Path tmp;

    @Test
    void versionOrderingsPerEcosystem() {
        assertThat(VersionScheme.DPKG.compare("1:1.0-1", "2.0-1")).isPositive();
        assertThat(VersionScheme.DPKG.compare("1.0~rc1-1", "1.0-1")).isNegative();
        assertThat(VersionScheme.DPKG.compare("2.36-9+deb12u4", "2.36-9+deb12u10"))
                .isNegative();
        assertThat(VersionScheme.DPKG.compare("1.0a", "1.0+")).isNegative();
        assertThat(VersionScheme.SEMVER.compare("v1.2.3", "1.2.10")).isNegative();
        assertThat(VersionScheme.SEMVER.compare("1.0.0-alpha.1", "1.0.0-alpha.beta"))
                .isNegative();
        assertThat(VersionScheme.SEMVER.compare("1.0.0-rc.1", "1.0.0")).isNegative();
        assertThat(VersionScheme.PEP440.compare("1.0.dev1", "1.0a1")).isNegative();
        assertThat(VersionScheme.PEP440.compare("1.0rc1", "1.0")).isNegative();
        assertThat(VersionScheme.PEP440.compare("1.0", "1.0.post1")).isNegative();
        assertThat(VersionScheme.PEP440.compare("1!0.1", "2.0")).isPositive();
        assertThat(VersionScheme.PEP440.compare("1.0.0", "1.0")).isZero();
        assertThat(VersionScheme.MAVEN.compare("1.0-alpha-1", "1.0")).isNegative();
        assertThat(VersionScheme.MAVEN.compare("1.0", "1.0.1")).isNegative();
        assertThat(VersionScheme.MAVEN.compare("1.0-SNAPSHOT", "1.0-rc1")).isPositive();
        assertThat(VersionScheme.MAVEN.compare("2.13.4.1", "2.13.4")).isPositive();
        assertThat(VersionScheme.MAVEN.compare("1.0.0", "1")).isZero();
        assertThat(VersionScheme.APK.compare("3.1.1-r2", "3.1.1-r3")).isNegative();
        assertThatThrownBy(() -> VersionScheme.PEP440.require("not.a.version!", "requirements.txt:3"))
                .hasMessage("requirements.txt:3: 'not.a.version!' is not a valid PEP440 version");
    }

    private static OsvRecord.Event ev(OsvRecord.Event.Kind k, String v) {
        return new OsvRecord.Event(k, v);
    }

    @Test
    void osvRangesFollowTheEvaluationRules() {
        OsvRecord r = new OsvRecord(
                "PYSEC-1",
                Instant.EPOCH,
                null,
                null,
                List.of("CVE-2024-1"),
                List.of(),
                null,
                null,
                List.of(new OsvRecord.Severity("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")),
                List.of(new OsvRecord.Affected(
                        "PyPI",
                        "Jinja2",
                        null,
                        List.of(new OsvRecord.Range(
                                "ECOSYSTEM",
                                null,
                                List.of(
                                        ev(OsvRecord.Event.Kind.INTRODUCED, "2.0"),
                                        ev(OsvRecord.Event.Kind.FIXED, "2.11.3"),
                                        ev(OsvRecord.Event.Kind.INTRODUCED, "3.0"),
                                        ev(OsvRecord.Event.Kind.LAST_AFFECTED, "3.1.2")))),
                        List.of("1.2"),
                        Map.of(),
                        Map.of())),
                Map.of());
        OsvIndex index = new OsvIndex(List.of(r));
        assertThat(index.affected(Ecosystem.PYPI, "jinja2", "1.2")).hasSize(1);
        assertThat(index.affected(Ecosystem.PYPI, "jinja2", "1.9")).isEmpty();
        assertThat(index.affected(Ecosystem.PYPI, "jinja2", "2.10"))
                .singleElement()
                .satisfies(h -> assertThat(h.fixedVersion()).isEqualTo("2.11.3"));
        assertThat(index.affected(Ecosystem.PYPI, "jinja2", "2.11.3")).isEmpty();
        assertThat(index.affected(Ecosystem.PYPI, "jinja2", "3.1.2"))
                .singleElement()
                .satisfies(h -> assertThat(h.fixedVersion()).isNull());
        assertThat(index.affected(Ecosystem.PYPI, "jinja2", "3.1.3")).isEmpty();
        assertThat(index.affected(Ecosystem.PYPI, "jinja2", "not a version")).isEmpty();
        OsvRecord nak = new OsvRecord(
                "CGA-2222-2222-2222",
                Instant.EPOCH,
                null,
                null,
                List.of(),
                List.of("CVE-2024-2"),
                null,
                null,
                List.of(),
                List.of(new OsvRecord.Affected(
                        "Wolfi",
                        "zlib",
                        null,
                        List.of(new OsvRecord.Range(
                                "ECOSYSTEM",
                                null,
                                List.of(
                                        ev(OsvRecord.Event.Kind.INTRODUCED, "0"),
                                        ev(OsvRecord.Event.Kind.FIXED, "0")))),
                        List.of(),
                        Map.of(),
                        Map.of())),
                Map.of());
        assertThat(new OsvIndex(List.of(nak)).affected(Ecosystem.APK, "zlib", "1.3-r0"))
                .isEmpty();
    }

    @Test
    void layersApplyInOrderWithWhiteoutsAndOpaqueDirectories() throws Exception {
        byte[] lower = tar(Map.of(
                "etc/os-release", "ID=kiln\n", "opt/app/a.txt", "a", "opt/app/b.txt", "b", "usr/share/gone.txt", "x"));
        byte[] upper = tar(Map.of("opt/app/.wh..wh..opq", "", "opt/app/c.txt", "c", "usr/share/.wh.gone.txt", ""));
        Rootfs fs =
                Rootfs.ofLayers(List.of(() -> new ByteArrayInputStream(lower), () -> new ByteArrayInputStream(upper)));
        assertThat(fs.files()).containsExactly("etc/os-release", "opt/app/c.txt");
        byte[] corrupt = lower.clone();
        corrupt[100] ^= 0x55; // inside the first header: checksum mismatch
        assertThatThrownBy(() -> Rootfs.ofLayers(
                        List.of(() -> new ByteArrayInputStream(lower), () -> new ByteArrayInputStream(corrupt))))
                .isInstanceOf(VulnException.class)
                .hasMessageStartingWith("layer 2 of 2 is corrupt or unreadable");
    }

    @Test
    void filesAndSetuidFilesAreCountedInTheFlattenedTreeAndInADirectory() throws Exception {
        ByteArrayOutputStream lower = new ByteArrayOutputStream();
        TarWriter w = new TarWriter(lower);
        w.write(TarHeader.of("usr/bin", TarType.DIRECTORY, 0755, 0, 0), new byte[0]);
        w.write(TarHeader.of("usr/bin/su", TarType.FILE, 04755, 2, 0), "su".getBytes(StandardCharsets.UTF_8));
        w.write(TarHeader.of("usr/bin/wall", TarType.FILE, 02755, 4, 0), "wall".getBytes(StandardCharsets.UTF_8));
        w.write(TarHeader.of("usr/bin/ls", TarType.FILE, 0755, 2, 0), "ls".getBytes(StandardCharsets.UTF_8));
        w.finish();
        ByteArrayOutputStream upper = new ByteArrayOutputStream();
        w = new TarWriter(upper);
        w.write(TarHeader.of("usr/bin/.wh.wall", TarType.FILE, 0644, 0, 0), new byte[0]);
        w.write(
                new TarHeader(
                        "usr/bin/newgrp", TarType.HARDLINK, 04755, 0, 0, "", "", 0, 0, "usr/bin/su", 0, 0, Map.of()),
                new byte[0]);
        w.write(
                new TarHeader("bin/sh", TarType.SYMLINK, 0777, 0, 0, "", "", 0, 0, "/usr/bin/ls", 0, 0, Map.of()),
                new byte[0]);
        w.finish();
        Rootfs fs = Rootfs.ofLayers(List.of(
                () -> new ByteArrayInputStream(lower.toByteArray()),
                () -> new ByteArrayInputStream(upper.toByteArray())));
        // each name of a hard link counts, as find -type f counts; the whited-out setgid file is gone
        assertThat(fs.fileCount()).isEqualTo(3);
        assertThat(fs.setuidFiles()).containsExactly("usr/bin/newgrp", "usr/bin/su");

        Path root = Files.createDirectories(tmp.resolve("rootfs/usr/bin"));
        Files.writeString(root.resolve("passwd"), "p");
        Files.writeString(root.resolve("cat"), "c");
        Files.setAttribute(root.resolve("passwd"), "unix:mode", 04755);
        Rootfs dir = Rootfs.ofDirectory(tmp.resolve("rootfs"));
        assertThat(dir.fileCount()).isEqualTo(2);
        assertThat(dir.setuidFiles()).containsExactly("usr/bin/passwd");
    }

    private static byte[] tar(Map<String, String> files) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter w = new TarWriter(out);
        for (String name : new java.util.TreeMap<>(files).keySet()) {
            byte[] c = files.get(name).getBytes(StandardCharsets.UTF_8);
            w.write(TarHeader.of(name, TarType.FILE, 0644, c.length, 0), c);
        }
        w.finish();
        return out.toByteArray();
    }

    /** A Debian-style image: dpkg status, Python dist-info owned by a dpkg package; matched with OSV Debian records. */
    @Test
    void debianImageIsInventoriedAndMatchedWithDpkgOrdering() throws Exception {
        Path root = tmp.resolve("deb");
        write(root, "etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
        write(root, "var/lib/dpkg/status", """
                Package: libc6
                Status: install ok installed
                Architecture: amd64
                Source: glibc
                Version: 2.36-9+deb12u4
                Description: GNU C Library
                 continuation line

                Package: python3-jinja2
                Status: install ok installed
                Architecture: all
                Source: jinja2
                Version: 3.1.2-1

                Package: removed-thing
                Status: deinstall ok config-files
                Version: 1.0
                """);
        write(
                root,
                "var/lib/dpkg/info/python3-jinja2.list",
                "/.\n/usr/lib/python3/dist-packages/Jinja2-3.1.2.dist-info/METADATA\n");
        write(
                root,
                "usr/lib/python3/dist-packages/Jinja2-3.1.2.dist-info/METADATA",
                "Metadata-Version: 2.1\nName: Jinja2\nVersion: 3.1.2\n\nbody Name: nope\n");
        write(
                root,
                "var/lib/dpkg/status.d/base-files",
                "Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n");
        Inventory inv = Inventories.of(Rootfs.ofDirectory(root));
        assertThat(inv.packages())
                .extracting(InventoryPackage::name)
                .containsExactly("libc6", "python3-jinja2", "base-files", "jinja2");
        assertThat(inv.packages().get(0).purl())
                .isEqualTo("pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12&upstream=glibc");
        OsvRecord glibc = new OsvRecord(
                "DSA-5611-1",
                Instant.EPOCH,
                null,
                null,
                List.of("CVE-2023-6246"),
                List.of(),
                null,
                null,
                List.of(),
                List.of(new OsvRecord.Affected(
                        "Debian:12",
                        "glibc",
                        null,
                        List.of(new OsvRecord.Range(
                                "ECOSYSTEM",
                                null,
                                List.of(
                                        ev(OsvRecord.Event.Kind.INTRODUCED, "0"),
                                        ev(OsvRecord.Event.Kind.FIXED, "2.36-9+deb12u10")))),
                        List.of(),
                        Map.of(),
                        Map.of())),
                Map.of("severity", "high"));
        OsvRecord jinja = new OsvRecord(
                "GHSA-h5c8-rqwp-cp95",
                Instant.EPOCH,
                null,
                null,
                List.of("CVE-2024-22195"),
                List.of(),
                null,
                null,
                List.of(),
                List.of(new OsvRecord.Affected(
                        "PyPI",
                        "jinja2",
                        null,
                        List.of(new OsvRecord.Range(
                                "ECOSYSTEM",
                                null,
                                List.of(
                                        ev(OsvRecord.Event.Kind.INTRODUCED, "0"),
                                        ev(OsvRecord.Event.Kind.FIXED, "3.1.3")))),
                        List.of(),
                        Map.of(),
                        Map.of())),
                Map.of("severity", "MODERATE"));
        ScanReport r = new Matcher(DistroFeed.empty(), new OsvIndex(List.of(glibc, jinja)), List.of())
                .scan("deb", inv, List.of(), null);
        assertThat(r.ids()).containsExactly("CVE-2023-6246", "CVE-2024-22195");
        assertThat(r.countsBySeverity()).containsEntry(Severity.HIGH, 1).containsEntry(Severity.MEDIUM, 1);
        assertThat(r.failsAt(Severity.HIGH)).isTrue();
        assertThat(r.failsAt(Severity.CRITICAL)).isFalse();
        assertThat(ScanReports.table(r))
                .contains("libc6")
                .contains("2.36-9+deb12u10")
                .contains("2 vulnerabilities");
        assertThat(new String(ScanReports.sarif(r), StandardCharsets.UTF_8))
                .contains("\"ruleId\" : \"CVE-2023-6246\"")
                .contains("\"uri\" : \"var/lib/dpkg/status\"");
    }

    @Test
    void osvImportRecordsTheUpdateTimeAndWritesNothingOnBadInput() throws Exception {
        Path src = tmp.resolve("src");
        write(
                src,
                "a.json",
                "{\"id\":\"GHSA-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"package\":"
                        + "{\"ecosystem\":\"npm\",\"name\":\"lodash\"},\"ranges\":[{\"type\":\"SEMVER\",\"events\":"
                        + "[{\"introduced\":\"0\"},{\"fixed\":\"4.17.21\"}]}]}]}");
        OsvStore store = new OsvStore(tmp.resolve("store"));
        Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
        assertThat(store.importFrom(src, clock)).isEqualTo(1);
        assertThat(store.updated()).contains(Instant.parse("2026-01-02T03:04:05Z"));
        assertThat(store.records()).extracting(OsvRecord::id).containsExactly("GHSA-1");
        write(
                src,
                "b.json",
                "{\"id\":\"GHSA-2\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"package\":"
                        + "{\"ecosystem\":\"npm\",\"name\":\"x\"},\"ranges\":[{\"type\":\"SEMVER\",\"events\":"
                        + "[{\"introduced\":\"0\",\"fixed\":\"1\"}]}]}]}");
        assertThatThrownBy(() -> store.importFrom(src, clock)).hasMessageContaining("exactly one of");
        assertThat(store.records()).extracting(OsvRecord::id).containsExactly("GHSA-1");
    }

    private static void write(Path root, String path, String content) throws Exception {
        Path p = root.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }
}
