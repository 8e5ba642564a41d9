package dev.kiln.server;

import dev.kiln.oci.ImageReference;
import dev.kiln.oci.distribution.RegistryClient;
import dev.kiln.server.state.Records;
import dev.kiln.server.state.StateStore;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

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
    record Result(Records.ImageScan scan, Records.@Nullable Comparison comparison) {}

    private final Settings settings;
    private final ScanSources sources;
    private final ImageLoader loader;
    private final StateStore state;
    private final ReconcileListener listener;
    private final Clock clock;

    /** Loads the scan data of {@code settings} once, for every image of a run. */
    ImageScans(Settings settings, RegistryClient client, StateStore state, ReconcileListener listener, Clock clock) {
        this.settings = settings;
        this.sources = sources(settings, clock);
        this.loader = new ImageLoader(client);
        this.state = state;
        this.listener = listener;
        this.clock = clock;
    }

    /** The catalog's scan data: advisory documents and OSV records where the settings say, when present. */
    static ScanSources sources(Settings settings, Clock clock) {
        Path osv = present(settings.osv());
        return ScanSources.load(
                present(settings.advisories()), null, osv != null ? List.of(osv) : List.of(), null, clock);
    }

    private static @Nullable Path present(@Nullable Path path) {
        return path != null && Files.exists(path) ? path : null;
    }

    private boolean hasScanData() {
        return present(settings.advisories()) != null || present(settings.osv()) != null;
    }

    /**
     * Scans the published image (and compares it with its conventional counterpart, when one is named) unless
     * the same digest was scanned after the scan data last changed: advisories move while images stay put.
     */
    void scan(String name, Path config, ImageReference digestRef, String digest, boolean changed) {
        Records.ImageScan last = changed ? null : state.imageScan(digest);
        if (last != null && !last.scannedAt().isBefore(scanDataChangedAt(config, name))) {
            return;
        }
        listener.onEvent(ReconcileEvent.of(
                "phase", "==> scanning " + digestRef, "package", name, "message", "scanning " + digestRef));
        Result result;
        try {
            result = inspect(digestRef, config, name);
        } catch (RuntimeException e) {
            // the image is published and signed; a scan that cannot run (a comparison image that is not there,
            // unreadable advisories) is reported, and the next run tries again since nothing was recorded
            String message = "scan of " + name + " failed: " + e.getMessage();
            listener.onEvent(ReconcileEvent.of("error", message, "package", name, "message", message));
            return;
        }
        Records.CveCounts c = result.scan().counts();
        state.recordScan(digest, result.scan());
        if (result.comparison() != null) {
            state.recordComparison(digest, result.comparison());
        }
        // "0 CVEs" from no data at all would read as a clean bill: say that nothing was there to match against
        boolean hasData = hasScanData();
        String unchecked = hasData
                ? ""
                : "; no advisories to match against: neither " + settings.advisories() + " nor " + settings.osv()
                        + " exists";
        listener.onEvent(ReconcileEvent.of(
                "scan",
                String.format(
                        "  %s: %d CVEs (critical %d, high %d, medium %d, low %d, unknown %d%s)",
                        name, c.total(), c.critical(), c.high(), c.medium(), c.low(), c.unknown(), unchecked),
                "package",
                name,
                "advisoryData",
                hasData,
                "critical",
                c.critical(),
                "high",
                c.high(),
                "medium",
                c.medium(),
                "low",
                c.low(),
                "unknown",
                c.unknown()));
    }

    /** When the advisories, OSV records or the image's comparison file last changed (the newest file time). */
    private Instant scanDataChangedAt(Path config, String name) {
        Instant newest = Instant.EPOCH;
        List<Path> roots = new ArrayList<>();
        roots.add(config.toAbsolutePath().resolveSibling(name + COMPARE_SUFFIX));
        if (settings.advisories() != null) {
            roots.add(settings.advisories());
        }
        if (settings.osv() != null) {
            roots.add(settings.osv());
        }
        for (Path root : roots) {
            if (!Files.exists(root)) {
                continue;
            }
            try (java.util.stream.Stream<Path> files = Files.walk(root)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Instant t = Files.getLastModifiedTime(f).toInstant();
                    newest = t.isAfter(newest) ? t : newest;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + root, e);
            }
        }
        return newest;
    }

    private Result inspect(ImageReference digestRef, Path config, String name) {
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
                        counts.getOrDefault(Severity.CRITICAL, 0),
                        counts.getOrDefault(Severity.HIGH, 0),
                        counts.getOrDefault(Severity.MEDIUM, 0),
                        counts.getOrDefault(Severity.LOW, 0),
                        counts.getOrDefault(Severity.UNKNOWN, 0)),
                report.feedUpdated(),
                report.sources(),
                report.warnings(),
                vulnerabilities);
    }

    private static Records.Vulnerability vulnerability(Finding f, String vexStatus, @Nullable String detail) {
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
    static @Nullable String comparedWith(Path config, String name) {
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
        Path dir = Objects.requireNonNull(config.toAbsolutePath().getParent(), "an absolute file path has a parent");
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
