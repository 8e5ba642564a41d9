package dev.kiln.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testkit.SbomValidators;
import java.nio.charset.StandardCharsets;
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
        CliRun created = CliRun.of(
                "advisory",
                "create",
                "glibc",
                "--vuln",
                "CVE-2023-4911",
                "--vuln",
                "GHSA-m77w-6vjw-wh2f",
                "--dir",
                dir,
                "--timestamp",
                "2024-01-01T00:00:00Z");
        assertThat(created.exitCode()).as(created.err()).isZero();
        CliRun updated = CliRun.of(
                "advisory",
                "update",
                "glibc",
                "CVE-2023-4911",
                "--fixed-version",
                "2.38-r5",
                "--dir",
                dir,
                "--timestamp",
                "2024-01-02T00:00:00Z");
        assertThat(updated.exitCode()).as(updated.err()).isZero();
        String text = Files.readString(tmp.resolve("adv/glibc.advisories.yaml"));
        assertThat(text).contains("fixed-version: 2.38-r5").startsWith("schema-version: 2.0.2");
        assertThat(CliRun.of("advisory", "list", "--dir", dir).out())
                .contains("glibc")
                .contains("fixed 2.38-r5");
        assertThat(CliRun.of("advisory", "validate", dir).exitCode()).isZero();

        Path rootfs = tmp.resolve("rootfs");
        Files.createDirectories(rootfs.resolve("lib/apk/db"));
        Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(rootfs.resolve("etc/os-release"), "ID=kiln\nVERSION_ID=1\n");
        Files.writeString(rootfs.resolve("lib/apk/db/installed"), "P:glibc\nV:2.38-r0\nA:x86_64\no:glibc\n\n");
        CliRun scan = CliRun.of("scan", rootfs.toString(), "--advisories", dir, "--format", "json");
        assertThat(scan.exitCode()).as(scan.err()).isZero();
        assertThat(scan.out()).contains("\"id\" : \"CVE-2023-4911\"").contains("\"fixedVersion\" : \"2.38-r5\"");
        assertThat(CliRun.of("scan", rootfs.toString(), "--advisories", dir, "--fail-on", "unknown")
                        .exitCode())
                .isOne();
        String feed = tmp.resolve("feed.bin").toString();
        CliRun compiled = CliRun.of("advisory", "compile", dir, "--out", feed);
        assertThat(compiled.exitCode()).as(compiled.err()).isZero();
        CliRun fromFeed = CliRun.of("scan", rootfs.toString(), "--advisories", feed, "--format", "json");
        assertThat(fromFeed.exitCode()).as(fromFeed.err()).isZero();
        assertThat(fromFeed.out()).isEqualTo(scan.out());
        CliRun table = CliRun.of("scan", rootfs.toString(), "--advisories", feed);
        assertThat(table.out())
                .startsWith(rootfs + ": 1 packages (kiln 1), advisories as of 2024-01-02T00:00:00Z\n"
                        + "sources: distribution advisories (kiln)\n");
        CliRun otherDistro = CliRun.of("scan", rootfs.toString(), "--advisories", dir, "--advisories-distro", "wolfi");
        assertThat(otherDistro.exitCode()).as(otherDistro.err()).isZero();
        assertThat(otherDistro.out())
                .contains("WARNING: no advisory source covers kiln 1: its 1 OS packages were not"
                        + " matched; given: distribution advisories (wolfi)")
                .contains("0 vulnerabilities")
                .contains("advisories as of unknown");
        assertThat(CliRun.of("scan", rootfs.toString(), "--advisories", dir, "--advisories-distro", "Not a distro")
                        .err())
                .contains("--advisories-distro: expected a distribution as ID or ID:RELEASE");
        CliRun vex = CliRun.of("vex", rootfs.toString(), "--advisories", dir);
        assertThat(vex.out()).contains("\"status\" : \"affected\"").contains("pkg:apk/kiln/glibc@2.38-r0");

        Files.writeString(tmp.resolve("adv/bad.advisories.yaml"), """
                schema-version: 2.0.2
                package:
                  name: bad
                advisories:
                  - id: CGA-xxxx-xxxx-xxxx
                    aliases: [CVE-2024-1]
                    events:
                      - timestamp: 2024-01-01T00:00:00Z
                        type: exploded
                """);
        CliRun bad = CliRun.of("advisory", "validate", dir);
        assertThat(bad.exitCode()).isOne();
        assertThat(bad.out())
                .contains("bad.advisories.yaml:9: advisory CGA-xxxx-xxxx-xxxx: unknown event type 'exploded'");
    }

    @Test
    void compareDiffAndScanReadImageLayouts() throws Exception {
        dev.kiln.apk.ApkSigningKey key = dev.kiln.apk.ApkSigningKey.generate(2048, "cmp.rsa");
        Path repo = tmp.resolve("repo");
        dev.kiln.testkit.TestPackages.publish(
                repo,
                "x86_64",
                key,
                java.util.List.of(
                        dev.kiln.testkit.TestPackages.apk("kiln-baselayout", "1.0-r0")
                                .builddate(1_700_000_000L)
                                .file("etc/os-release", "ID=kiln\nVERSION_ID=\"2025\"\n", 0644),
                        dev.kiln.testkit.TestPackages.apk("hello", "2.12-r0")
                                .builddate(1_700_000_000L)
                                .file("usr/bin/hello", "h", 0755),
                        dev.kiln.testkit.TestPackages.apk("busybox", "1.37.0-r0")
                                .builddate(1_700_000_000L)
                                .file("bin/busybox", "b", 0755)
                                .symlink("bin/sh", "busybox")));
        Path pub = tmp.resolve("cmp.rsa.pub");
        Files.writeString(pub, key.publicKeyPem());
        for (String[] v :
                new String[][] {{"a", "[kiln-baselayout, hello]"}, {"b", "[kiln-baselayout, hello, busybox]"}}) {
            Path config = tmp.resolve(v[0] + ".yaml");
            Files.writeString(
                    config,
                    "contents:\n  packages: " + v[1] + "\nentrypoint:\n  command: /usr/bin/hello\n"
                            + "archs: [amd64]\n");
            CliRun build = CliRun.of(
                    "image",
                    "build",
                    config.toString(),
                    "img:" + v[0],
                    tmp.resolve(v[0]).toString(),
                    "--repository",
                    repo.toString(),
                    "--keyring",
                    pub.toString());
            assertThat(build.exitCode()).as(build.err()).isZero();
        }
        String a = tmp.resolve("a").toString();
        String b = tmp.resolve("b").toString();
        CliRun compare = CliRun.of("compare", a, b);
        assertThat(compare.exitCode()).as(compare.err()).isZero();
        assertThat(compare.out())
                .contains("compressed size")
                .contains("yes (sh, busybox)")
                .contains("packages");
        CliRun md = CliRun.of("compare", a, b, "--markdown");
        assertThat(md.out()).contains("| shell | no | yes (sh, busybox) |");
        CliRun json = CliRun.of("compare", a, b, "--json");
        assertThat(json.out()).contains("\"packages\" : 3");
        CliRun diff = CliRun.of("diff", a, b);
        assertThat(diff.out()).isEqualTo("+ busybox 1.37.0-r0\n1 added, 0 removed, 0 changed\n");
        CliRun scan = CliRun.of("scan", "oci:" + a, "--format", "json");
        assertThat(scan.exitCode()).as(scan.err()).isZero();
        assertThat(scan.out()).contains("\"packages\" : 2");
        CliRun cdx = CliRun.of("inventory", "oci:" + a, "--format", "cyclonedx");
        assertThat(cdx.exitCode()).as(cdx.err()).isZero();
        assertThat(SbomValidators.cycloneDxSchema(cdx.out().getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
        assertThat(cdx.out())
                .contains("\"purl\" : \"pkg:apk/kiln/hello@")
                .contains("\"location\" : \"lib/apk/db/installed\"");
        CliRun spdx = CliRun.of("inventory", a, "--format", "spdx", "--source-date-epoch", "1700000000");
        assertThat(spdx.exitCode()).as(spdx.err()).isZero();
        dev.kiln.attest.SpdxPackageSbom.validate(spdx.out().getBytes(UTF_8));
        assertThat(SbomValidators.spdxToolsVerify(spdx.out().getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
        assertThat(spdx.out())
                .contains("\"created\" : \"2023-11-14T22:13:20Z\"")
                .contains("\"referenceLocator\" : \"pkg:apk/kiln/hello@");
        assertThat(CliRun.of("inventory", a, "--format", "xml").exitCode()).isNotZero();
        CliRun arm = CliRun.of("scan", a, "--platform", "linux/arm64");
        assertThat(arm.exitCode()).isOne();
        assertThat(arm.err()).contains("has no linux/arm64");
    }

    /** Debian versions with epochs and '+': the purls follow the purl spec and the document passes strict validation. */
    @Test
    void inventoryOfADebianRootWithEpochVersionsIsValidCycloneDx() throws Exception {
        Path rootfs = tmp.resolve("debian");
        Files.createDirectories(rootfs.resolve("etc"));
        Files.createDirectories(rootfs.resolve("var/lib/dpkg/info"));
        Files.writeString(rootfs.resolve("etc/os-release"), "ID=debian\nVERSION_ID=\"12\"\n");
        Files.writeString(rootfs.resolve("var/lib/dpkg/status"), """
                Package: login
                Status: install ok installed
                Architecture: amd64
                Source: shadow
                Version: 1:4.13+dfsg1-1+b1

                Package: libgcc-s1
                Status: install ok installed
                Architecture: amd64
                Source: gcc-12 (12.2.0-14)
                Version: 12.2.0-14

                Package: perl-base
                Status: install ok triggers-pending
                Architecture: amd64
                Source: perl
                Version: 5.36.0-7+deb12u1

                Package: tar
                Status: install ok unpacked
                Architecture: amd64
                Version: 1.34+dfsg-1.2+deb12u1
                """);
        Files.writeString(rootfs.resolve("var/lib/dpkg/info/login.list"), "/bin/login\n");
        CliRun cdx =
                CliRun.of("inventory", rootfs.toString(), "--format", "cyclonedx", "--source-date-epoch", "1700000000");
        assertThat(cdx.exitCode()).as(cdx.err()).isZero();
        assertThat(new org.cyclonedx.parsers.JsonParser()
                        .validate(cdx.out().getBytes(UTF_8), org.cyclonedx.Version.VERSION_16))
                .as(cdx.out())
                .isEmpty();
        assertThat(cdx.out())
                .contains("\"purl\" : \"pkg:deb/debian/login@1:4.13%2Bdfsg1-1%2Bb1?arch=amd64&distro=debian-12"
                        + "&upstream=shadow\"")
                .contains("pkg:deb/debian/perl-base@5.36.0-7%2Bdeb12u1")
                .containsPattern("\"kiln:dpkg:status\",\\s+\"value\" : \"unpacked\"");
    }
}
