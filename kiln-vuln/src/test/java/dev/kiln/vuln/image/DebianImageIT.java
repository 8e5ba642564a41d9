package dev.kiln.vuln.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.oci.OciLayout;
import dev.kiln.testkit.DebianImages;
import dev.kiln.testkit.Tools;
import dev.kiln.vuln.compare.ImageComparison;
import dev.kiln.vuln.compare.ImageFacts;
import dev.kiln.vuln.feed.OsvStore;
import dev.kiln.vuln.inventory.Inventories;
import dev.kiln.vuln.inventory.Inventory;
import dev.kiln.vuln.inventory.InventoryPackage;
import dev.kiln.vuln.match.DistroFeed;
import dev.kiln.vuln.match.Finding;
import dev.kiln.vuln.match.Matcher;
import dev.kiln.vuln.match.OsvIndex;
import dev.kiln.vuln.match.ScanReport;
import dev.kiln.vuln.match.Severity;
import dev.kiln.vuln.version.Ecosystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conventional image to compare with: Debian bookworm minbase plus python3 ({@link DebianImages}),
 * inventoried completely, scanned against OSV Debian records written here, and compared with a Kiln image.
 * Needs mmdebstrap ({@code apt-get install mmdebstrap}) and access to the Debian archive; skipped without
 * them.
 */
class DebianImageIT {
    @TempDir
    Path tmp;

    @Test
    void debianMinbaseWithPython3IsInventoriedScannedAndCompared() throws Exception {
        Tools.require("dpkg-query", "apt-get install dpkg");
        Path tar = DebianImages.minbase("bookworm-python3", List.of("python3"));
        Path layout = tmp.resolve("debian");
        DebianImages.writeLayout(tar, layout, "debian:bookworm-python3");
        LoadedImage debian = new ImageLoader(null).load(layout.toString(), null);
        Inventory inv = Inventories.of(debian.rootfs());
        List<InventoryPackage> debs = inv.of(Ecosystem.DEBIAN);

        List<String> expected = dpkgQuery(tar);
        assertThat(debs).extracting(p -> p.name() + " " + p.version()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(debs.size()).isGreaterThan(80);
        assertThat(debs).extracting(InventoryPackage::name).contains("python3", "libc6", "dpkg", "apt", "bash");
        InventoryPackage libc =
                debs.stream().filter(p -> p.name().equals("libc6")).findFirst().orElseThrow();
        assertThat(libc.origin()).isEqualTo("glibc");
        assertThat(libc.purl()).startsWith("pkg:deb/debian/libc6@").contains("distro=debian-12");
        assertThat(libc.files()).contains("lib/x86_64-linux-gnu/libc.so.6"); // bookworm lists pre-merge paths
        long dated = debs.stream().filter(p -> p.built() != null).count();
        assertThat(dated).as("packages dated by their documentation").isGreaterThan(debs.size() * 9 / 10);

        InventoryPackage python = debs.stream()
                .filter(p -> p.name().equals("python3.11-minimal"))
                .findFirst()
                .orElseThrow();
        Path osv = writeOsvRecords(python, libc);
        ScanReport report = new Matcher(DistroFeed.empty(), new OsvIndex(OsvStore.readAll(osv)), List.of())
                .scan("debian", inv, List.of(), null);
        assertThat(report.findings())
                .flatExtracting(Finding::allIds)
                .contains("DEBIAN-CVE-2099-0001", "DEBIAN-CVE-2099-0003")
                .doesNotContain("DEBIAN-CVE-2099-0002");
        Finding fixable = report.findings().stream()
                .filter(f -> f.knownAs("DEBIAN-CVE-2099-0001") && f.pkg().name().equals("python3.11-minimal"))
                .findFirst()
                .orElseThrow();
        assertThat(fixable.fixedVersion()).isEqualTo(python.version() + "+kiln1");
        assertThat(fixable.severity()).isEqualTo(Severity.HIGH);
        assertThat(report.findings())
                .filteredOn(f -> f.id().equals("DEBIAN-CVE-2099-0003"))
                .extracting(f -> f.pkg().name())
                .contains("libc6", "libc-bin");
        assertThat(report.findings())
                .filteredOn(f -> f.id().equals("DEBIAN-CVE-2099-0003"))
                .allMatch(f -> f.state().equals("unfixed"));

        ImageFacts debianFacts = ImageFacts.of(debian, inv, report);
        assertThat(debianFacts.shells()).contains("sh", "bash", "dash");
        assertThat(debianFacts.packageManagers()).contains("apt", "dpkg");
        assertThat(debianFacts.runsAsRoot()).contains(true);
        assertThat(debianFacts.oldest().built()).isBefore(debianFacts.newest().built());

        Path kilnDir = Files.createDirectories(tmp.resolve("kiln"));
        Path kilnLayout = kilnDir.resolve("layout");
        new OciLayout(kilnLayout)
                .write(KilnImages.hello(kilnDir, "2.12-r0", false).images(), null);
        LoadedImage kiln = new ImageLoader(null).load(kilnLayout.toString(), null);
        Inventory kilnInv = Inventories.of(kiln.rootfs());
        ImageFacts kilnFacts = ImageFacts.of(
                kiln,
                kilnInv,
                new Matcher(DistroFeed.empty(), new OsvIndex(OsvStore.readAll(osv)), List.of())
                        .scan("kiln", kilnInv, List.of(), null));
        ImageComparison cmp = new ImageComparison(debianFacts, kilnFacts, Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(cmp.sizeRatio(true)).isLessThan(0.01);
        assertThat(inv.packages()).hasSameSizeAs(debs);
        assertThat(cmp.markdown())
                .contains("| packages | " + debs.size() + " | 3 |")
                .contains("| shell | yes (sh, bash, dash) | no |")
                .contains("| package manager | yes (apt, dpkg");
        assertThat(cmp.table()).contains("— root", "65532 — not root");
    }

    /** The package list dpkg itself reports for the rootfs, from the tar's own dpkg database. */
    private List<String> dpkgQuery(Path tar) throws Exception {
        Path db = Files.createDirectories(tmp.resolve("dpkgdb"));
        run(List.of("tar", "-xf", tar.toString(), "-C", db.toString(), "--wildcards", "*var/lib/dpkg/status"), 5);
        Path admin;
        try (Stream<Path> stream = Files.walk(db)) {
            admin = stream.filter(p -> p.endsWith("var/lib/dpkg/status"))
                    .findFirst()
                    .orElseThrow()
                    .getParent();
        }
        String out = run(
                List.of(
                        "dpkg-query",
                        "--admindir=" + admin,
                        "-W",
                        "-f",
                        "${db:Status-Status} ${Package} ${Version}\\n"),
                1);
        return out.lines()
                .filter(l -> l.startsWith("installed "))
                .map(l -> l.substring("installed ".length()))
                .toList();
    }

    private Path writeOsvRecords(InventoryPackage python, InventoryPackage libc) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("osv"));
        String pythonSource = python.origin();
        Files.writeString(dir.resolve("DEBIAN-CVE-2099-0001.json"), """
                {"schema_version": "1.6.0", "id": "DEBIAN-CVE-2099-0001", "modified": "2025-01-01T00:00:00Z",
                 "aliases": ["CVE-2099-0001"], "database_specific": {"severity": "high"},
                 "affected": [{"package": {"ecosystem": "Debian:12", "name": "%s"},
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "%s+kiln1"}]}]}]}
                """.formatted(pythonSource, python.version()));
        Files.writeString(dir.resolve("DEBIAN-CVE-2099-0002.json"), """
                {"schema_version": "1.6.0", "id": "DEBIAN-CVE-2099-0002", "modified": "2025-01-01T00:00:00Z",
                 "affected": [{"package": {"ecosystem": "Debian:12", "name": "%s"},
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.11.0-1"}]}]}]}
                """.formatted(pythonSource));
        Files.writeString(dir.resolve("DEBIAN-CVE-2099-0003.json"), """
                {"schema_version": "1.6.0", "id": "DEBIAN-CVE-2099-0003", "modified": "2025-01-01T00:00:00Z",
                 "affected": [{"package": {"ecosystem": "Debian:12", "name": "%s"},
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]}
                """.formatted(libc.origin()));
        return dir;
    }

    private static String run(List<String> command, int minutes) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(minutes, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(new String(out, StandardCharsets.UTF_8)).isZero();
        return new String(out, StandardCharsets.UTF_8);
    }
}
