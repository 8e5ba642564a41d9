package dev.kiln.server;

import dev.kiln.oci.ImageReference;
import dev.kiln.oci.distribution.RegistryClient;
import dev.kiln.server.state.Records;
import dev.kiln.vuln.compare.ImageFacts;
import dev.kiln.vuln.image.ImageLoader;
import dev.kiln.vuln.image.ImageSource;
import dev.kiln.vuln.image.LoadedImage;
import dev.kiln.vuln.inventory.Inventories;
import dev.kiln.vuln.inventory.Inventory;
import dev.kiln.vuln.match.Finding;
import dev.kiln.vuln.match.ScanReport;
import dev.kiln.vuln.match.ScanSources;
import dev.kiln.vuln.match.Severity;
import dev.kiln.vuln.match.Suppressed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The reconciler's scan stage for one published image: pull it back from the registry by digest (what was
 * published is what is scanned), match its inventory against the catalog's advisories with the same
 * {@link ScanSources} {@code kiln scan} uses, and, when the image's config directory names a conventional
 * image to compare with ({@code NAME.compare}), label both side by side as {@code kiln compare} does.
 */
final class ImageScans {
    /** Beside {@code images/NAME.yaml}: one line naming the conventional image that {@code NAME} replaces. */
    static final String COMPARE_SUFFIX = ".compare";

    /** What the stage found; {@code comparison} is null when none is configured. */
    record Result(Records.ImageScan scan, Records.Comparison comparison) {}

    private final ScanSources sources;
    private final ImageLoader loader;
    private final Clock clock;

    ImageScans(ScanSources sources, RegistryClient client, Clock clock) {
        this.sources = sources;
        this.loader = new ImageLoader(client);
        this.clock = clock;
    }

    /** The catalog's scan data: advisory documents and OSV records where the settings say, when present. */
    static ScanSources sources(Settings settings, Clock clock) {
        Path advisories = settings.advisories();
        Path osv = settings.osv();
        return ScanSources.load(
                advisories != null && Files.exists(advisories) ? advisories : null,
                null,
                osv != null && Files.exists(osv) ? List.of(osv) : List.of(),
                null,
                clock);
    }

    Result scan(ImageReference digestRef, Path config, String name) {
        LoadedImage image = loader.load(new ImageSource.Registry(digestRef), null);
        Inventory inventory = Inventories.of(image.rootfs());
        ScanReport report = sources.scan(digestRef.toString(), inventory, List.of());
        Records.ImageScan scan = record(report);
        Records.Comparison comparison = null;
        String other = comparedWith(config, name);
        if (other != null) {
            ImageFacts own = ImageFacts.of(image, inventory, report);
            ImageFacts theirs = ImageFacts.scan(loader.load(target(config, other), null), sources);
            comparison = new Records.Comparison(other, side(own), side(theirs));
        }
        return new Result(scan, comparison);
    }

    private Records.ImageScan record(ScanReport report) {
        Map<Severity, Integer> counts = report.countsBySeverity();
        List<Records.Vulnerability> vulnerabilities = new ArrayList<>();
        for (Finding f : report.findings()) {
            vulnerabilities.add(vulnerability(f, vexStatus(f.state()), null));
        }
        for (Suppressed s : report.suppressed()) {
            String detail = s.detail();
            String status = switch (s.reason()) {
                // a VEX verdict's detail starts with its status: "not_affected: component_not_present"
                case VEX -> detail == null ? "not_affected" : detail.replaceFirst(":.*$", "");
                case NAK, OWNERSHIP -> "not_affected";
            };
            vulnerabilities.add(vulnerability(s.finding(), status, detail));
        }
        return new Records.ImageScan(
                clock.instant(),
                new Records.CveCounts(
                        counts.get(Severity.CRITICAL),
                        counts.get(Severity.HIGH),
                        counts.get(Severity.MEDIUM),
                        counts.get(Severity.LOW),
                        counts.get(Severity.UNKNOWN)),
                report.feedUpdated(),
                report.sources(),
                report.warnings(),
                vulnerabilities);
    }

    private static Records.Vulnerability vulnerability(Finding f, String vexStatus, String detail) {
        return new Records.Vulnerability(
                f.id(),
                f.pkg().name(),
                f.pkg().version(),
                f.severity().name().toLowerCase(Locale.ROOT),
                f.fixedVersion(),
                f.state(),
                vexStatus,
                detail);
    }

    /**
     * The OpenVEX status an open advisory state amounts to for the image, as {@code kiln vex} states it: a
     * detection not yet analysed is under investigation; anything else that still matches is affected.
     */
    static String vexStatus(String advisoryState) {
        return "detection".equals(advisoryState) ? "under_investigation" : "affected";
    }

    private static Records.Comparison.Side side(ImageFacts facts) {
        return new Records.Comparison.Side(
                facts.compressedSize(), facts.uncompressedSize(), facts.packages(), facts.cveTotal());
    }

    /** The conventional image named beside {@code config}, as written there; null when none is. */
    static String comparedWith(Path config, String name) {
        Path file = config.toAbsolutePath().resolveSibling(name + COMPARE_SUFFIX);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            String line = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (line.isEmpty() || line.contains("\n")) {
                throw new SettingsException(file + ": expected one line naming an image (an OCI layout directory,"
                        + " oci-archive:FILE, docker-archive:FILE or docker://REF), found "
                        + (line.isEmpty() ? "nothing" : line.lines().count() + " lines"));
            }
            return line;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** {@code target} with a relative file path resolved against the config's directory. */
    static String target(Path config, String target) {
        Path dir = config.toAbsolutePath().getParent();
        if (target.contains("://")) {
            return target;
        }
        for (String prefix : List.of("oci-archive:", "docker-archive:", "oci:", "dir:")) {
            if (target.startsWith(prefix)) {
                return prefix + dir.resolve(target.substring(prefix.length()));
            }
        }
        return dir.resolve(target).toString();
    }
}
