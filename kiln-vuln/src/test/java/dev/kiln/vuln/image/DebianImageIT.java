package dev.kiln.vuln.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.content.Digest;
import dev.kiln.content.Gzip;
import dev.kiln.oci.Blob;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.ImageConfig;
import dev.kiln.oci.Manifest;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.OciImage;
import dev.kiln.oci.OciImageSet;
import dev.kiln.oci.OciLayout;
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
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conventional image to compare with: Debian bookworm minbase plus python3, made by mmdebstrap from the
 * mirror this machine's apt uses, turned into an OCI image by Kiln's layout writer, inventoried completely,
 * scanned against OSV Debian records written here, and compared with a Kiln image. The rootfs tar is cached
 * under the repository's {@code target/} (about a minute and a half to make). Needs mmdebstrap
 * ({@code apt-get install mmdebstrap}) and access to the Debian archive; skipped without them.
 */
class DebianImageIT {
    @TempDir
    Path tmp;

    @Test
    void debianMinbaseWithPython3IsInventoriedScannedAndCompared() throws Exception {
        Path tar = rootfsTar();
        Path layout = tmp.resolve("debian");
        writeImage(tar, layout);
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

    /** One gzip layer made from the rootfs tar; root user, as a conventional base image has. */
    private static void writeImage(Path tar, Path layout) throws IOException {
        Path gz = layout.resolveSibling("layer.tar.gz");
        try (InputStream in = Files.newInputStream(tar);
                OutputStream out = Gzip.compressing(Files.newOutputStream(gz), Gzip.DEFAULT_LEVEL)) {
            in.transferTo(out);
        }
        Descriptor layer = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digest.sha256(gz), Files.size(gz));
        ImageConfig config = new ImageConfig(
                "2025-01-01T00:00:00Z",
                null,
                "amd64",
                "linux",
                null,
                new ImageConfig.Runtime(
                        null,
                        null,
                        List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                        null,
                        List.of("/bin/bash"),
                        null,
                        null,
                        null,
                        null),
                List.of(Digest.sha256(tar)),
                List.of());
        byte[] configJson = config.toJson();
        Manifest manifest = Manifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, configJson), List.of(layer), Map.of());
        OciImage image = OciImage.of(manifest, config, List.of(Blob.ofFile(layer, gz)));
        new OciLayout(layout).write(OciImageSet.of(List.of(image), Map.of()), "debian:bookworm-python3");
    }

    private static Path rootfsTar() throws Exception {
        Tools.require("mmdebstrap", "apt-get install mmdebstrap");
        Tools.require("dpkg-query", "apt-get install dpkg");
        Path cache = Path.of(System.getProperty("kiln.repo.root", "."))
                .resolve("target/debian-minbase")
                .resolve("bookworm-python3.tar");
        if (Files.isRegularFile(cache)) {
            return cache;
        }
        Optional<String> mirror = mirror();
        assumeTrue(mirror.isPresent(), "no bookworm mirror in /etc/apt/sources.list(.d)");
        Files.createDirectories(cache.getParent());
        Path partial = cache.resolveSibling("bookworm-python3.tar.partial");
        ProcessBuilder pb = new ProcessBuilder(
                        "mmdebstrap",
                        "--variant=minbase",
                        "--include=python3",
                        "--format=tar",
                        "--quiet",
                        "bookworm",
                        partial.toString(),
                        mirror.get())
                .redirectErrorStream(true)
                .redirectOutput(cache.resolveSibling("mmdebstrap.log").toFile());
        Process p = pb.start();
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("mmdebstrap took more than 15 minutes");
        }
        assumeTrue(
                p.exitValue() == 0,
                "mmdebstrap failed (no access to the Debian archive?); see " + cache.resolveSibling("mmdebstrap.log"));
        Files.move(partial, cache, StandardCopyOption.ATOMIC_MOVE);
        return cache;
    }

    /** The first deb URI that serves bookworm, from deb822 .sources files or one-line sources.list entries. */
    static Optional<String> mirror() throws IOException {
        List<Path> files = new ArrayList<>();
        Path dir = Path.of("/etc/apt/sources.list.d");
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.toString().endsWith(".sources") || p.toString().endsWith(".list"))
                        .sorted()
                        .forEach(files::add);
            }
        }
        files.add(0, Path.of("/etc/apt/sources.list"));
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                continue;
            }
            String text = Files.readString(f, StandardCharsets.UTF_8);
            for (String stanza : text.split("\n\\s*\n")) {
                String uri = field(stanza, "URIs");
                String suites = field(stanza, "Suites");
                String types = field(stanza, "Types");
                if (uri != null
                        && suites != null
                        && types != null
                        && List.of(types.split("\\s+")).contains("deb")
                        && List.of(suites.split("\\s+")).contains("bookworm")) {
                    return Optional.of(uri.split("\\s+")[0]);
                }
            }
            for (String line : text.lines().toList()) {
                String[] w = line.replaceAll("\\[[^]]*]", " ").trim().split("\\s+");
                if (w.length >= 3 && w[0].equals("deb") && w[2].equals("bookworm")) {
                    return Optional.of(w[1]);
                }
            }
        }
        return Optional.empty();
    }

    private static String field(String stanza, String name) {
        return stanza.lines()
                .filter(l -> l.startsWith(name + ":"))
                .map(l -> l.substring(name.length() + 1).trim())
                .findFirst()
                .orElse(null);
    }

    private static String run(List<String> command, int minutes) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(minutes, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(new String(out, StandardCharsets.UTF_8)).isZero();
        return new String(out, StandardCharsets.UTF_8);
    }
}
