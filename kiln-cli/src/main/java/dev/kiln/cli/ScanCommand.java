package dev.kiln.cli;

import dev.kiln.vuln.AdvisoryStore;
import dev.kiln.vuln.feed.OsvRecord;
import dev.kiln.vuln.feed.OsvStore;
import dev.kiln.vuln.feed.SecDb;
import dev.kiln.vuln.inventory.Distro;
import dev.kiln.vuln.inventory.Inventories;
import dev.kiln.vuln.inventory.Inventory;
import dev.kiln.vuln.match.CompiledFeed;
import dev.kiln.vuln.match.DistroFeed;
import dev.kiln.vuln.match.Matcher;
import dev.kiln.vuln.match.OsvIndex;
import dev.kiln.vuln.match.ScanReport;
import dev.kiln.vuln.match.Severity;
import dev.kiln.vuln.report.ScanReports;
import dev.kiln.vuln.vex.OpenVex;
import dev.kiln.vuln.vex.VexDocument;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "scan",
        description = {
            "Inventory an image and match it against advisories, OSV records and VEX.",
            "Exits 1 when --fail-on is given and a finding reaches it."
        })
final class ScanCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "TARGET", description = ImageOptions.TARGET_HELP)
    String target;

    @picocli.CommandLine.Mixin
    ImageOptions image = new ImageOptions();

    @Option(
            names = "--advisories",
            description = "advisory document directory (Kiln's own distribution data), or a feed compiled from one by"
                    + " `kiln advisory compile` (much faster to load)")
    Path advisories;

    @Option(names = "--secdb", description = "a secdb security.json (instead of or besides --advisories)")
    Path secdb;

    @Option(
            names = "--advisories-distro",
            paramLabel = "ID[:RELEASE]",
            description = {
                "the distribution --advisories or --secdb describe (e.g. wolfi, alpine:3.18); they are matched only",
                "against images of that distribution. Default: kiln for advisory documents; a secdb's URL prefix"
            })
    String advisoriesDistro;

    @Option(
            names = "--osv",
            description = "OSV records: a store directory, a directory of files, or a file; repeatable")
    List<Path> osv = new ArrayList<>();

    @Option(names = "--vex", description = "OpenVEX document; repeatable")
    List<Path> vex = new ArrayList<>();

    @Option(names = "--image-purl", description = "purl of the image, for VEX products; repeatable")
    List<String> imagePurls = new ArrayList<>();

    @Option(names = "--fail-on", description = "critical, high, medium, low or unknown")
    String failOn;

    @Option(
            names = "--format",
            defaultValue = "table",
            description = "table, json or sarif (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--json", description = "same as --format json")
    boolean json;

    @Override
    public Integer call() throws IOException {
        Severity threshold = failOn == null ? null : threshold(failOn);
        Clock clock = Clock.systemUTC();
        ScanInputs in = ScanInputs.load(advisories, secdb, osv, advisoriesDistro, clock);
        List<VexDocument> docs = new ArrayList<>();
        for (Path v : vex) {
            docs.add(OpenVex.parse(Files.readAllBytes(v), v.toString()));
        }
        Inventory inv = Inventories.of(image.load(target).rootfs());
        ScanReport report = new Matcher(in.distro(), in.osv(), docs).scan(target, inv, imagePurls, in.updated());
        String fmt = json ? "json" : format;
        var out = spec.commandLine().getOut();
        switch (fmt) {
            case "json" -> out.print(new String(ScanReports.json(report), StandardCharsets.UTF_8));
            case "sarif" -> out.print(new String(ScanReports.sarif(report), StandardCharsets.UTF_8));
            default -> out.print(ScanReports.table(report));
        }
        out.flush();
        return threshold != null && report.failsAt(threshold) ? 1 : 0;
    }

    private static Severity threshold(String text) {
        try {
            return Severity.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--fail-on: expected critical, high, medium, low or unknown, found '" + text + "'", e);
        }
    }

    /** The data sources of a scan, loaded once; {@code updated} is the oldest last-import date of the OSV stores. */
    record ScanInputs(DistroFeed distro, OsvIndex osv, Instant updated) {
        static ScanInputs load(Path advisories, Path secdb, List<Path> osvSources, Clock clock) throws IOException {
            return load(advisories, secdb, osvSources, null, clock);
        }

        static ScanInputs load(Path advisories, Path secdb, List<Path> osvSources, String advisoriesDistro, Clock clock)
                throws IOException {
            DistroFeed distro = DistroFeed.empty();
            if (advisories != null && Files.isRegularFile(advisories)) {
                distro = CompiledFeed.read(advisories);
            } else if (advisories != null) {
                distro = DistroFeed.of(AdvisoryStore.load(advisories, clock));
            } else if (secdb != null) {
                distro = DistroFeed.of(SecDb.parse(Files.readAllBytes(secdb), secdb.toString()));
            }
            if (advisoriesDistro != null) {
                try {
                    distro = distro.describing(Distro.parse(advisoriesDistro));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--advisories-distro: " + e.getMessage(), e);
                }
            }
            List<OsvRecord> records = new ArrayList<>();
            Instant updated = null; // the matcher adds the distribution feed's date when the feed applies
            for (Path p : osvSources) {
                OsvStore store = new OsvStore(p);
                records.addAll(Files.isDirectory(p) ? store.records() : OsvStore.readAll(p));
                Instant u = Files.isDirectory(p) ? store.updated().orElse(null) : null;
                updated = u == null ? updated : updated == null || u.isBefore(updated) ? u : updated;
            }
            return new ScanInputs(distro, new OsvIndex(records), updated);
        }
    }
}
