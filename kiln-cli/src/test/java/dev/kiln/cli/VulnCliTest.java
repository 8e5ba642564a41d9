package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VulnCliTest {
    @TempDir
    Path tmp;

    @Test
    void advisoryLifecycleAndScanThroughTheCommandLine() throws Exception {
        String dir = tmp.resolve("adv").toString();
        CliRun created = CliRun.of("advisory", "create", "glibc", "--vuln", "CVE-2023-4911", "--vuln",
                "GHSA-m77w-6vjw-wh2f", "--dir", dir, "--timestamp", "2024-01-01T00:00:00Z");
        assertThat(created.exitCode()).as(created.err()).isZero();
        CliRun updated = CliRun.of("advisory", "update", "glibc", "CVE-2023-4911", "--fixed-version", "2.38-r5",
                "--dir", dir, "--timestamp", "2024-01-02T00:00:00Z");
        assertThat(updated.exitCode()).as(updated.err()).isZero();
        String text = Files.readString(tmp.resolve("adv/glibc.advisories.yaml"));
        assertThat(text).contains("fixed-version: 2.38-r5").startsWith("schema-version: 2.0.2");
        assertThat(CliRun.of("advisory", "list", "--dir", dir).out()).contains("glibc").contains("fixed 2.38-r5");
        assertThat(CliRun.of("advisory", "validate", dir).exitCode()).isZero();

        Path rootfs = tmp.resolve("rootfs");
        Files.createDirectories(rootfs.resolve("lib/apk/db"));
        Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(rootfs.resolve("etc/os-release"), "ID=kiln\nVERSION_ID=1\n");
        Files.writeString(rootfs.resolve("lib/apk/db/installed"), "P:glibc\nV:2.38-r0\nA:x86_64\no:glibc\n\n");
        CliRun scan = CliRun.of("scan", rootfs.toString(), "--advisories", dir, "--format", "json");
        assertThat(scan.exitCode()).as(scan.err()).isZero();
        assertThat(scan.out()).contains("\"id\" : \"CVE-2023-4911\"").contains("\"fixedVersion\" : \"2.38-r5\"");
        assertThat(CliRun.of("scan", rootfs.toString(), "--advisories", dir, "--fail-on", "unknown").exitCode()).isOne();
        CliRun vex = CliRun.of("vex", rootfs.toString(), "--advisories", dir);
        assertThat(vex.out()).contains("\"status\" : \"affected\"").contains("pkg:apk/kiln/glibc@2.38-r0");

        Files.writeString(tmp.resolve("adv/bad.advisories.yaml"), "schema-version: 2.0.2\npackage:\n  name: bad\n"
                + "advisories:\n  - id: CGA-xxxx-xxxx-xxxx\n    aliases: [CVE-2024-1]\n    events:\n"
                + "      - timestamp: 2024-01-01T00:00:00Z\n        type: exploded\n");
        CliRun bad = CliRun.of("advisory", "validate", dir);
        assertThat(bad.exitCode()).isOne();
        assertThat(bad.out()).contains("bad.advisories.yaml:9: advisory CGA-xxxx-xxxx-xxxx: unknown event type 'exploded'");
    }
}
