package dev.kiln.cli;

import dev.kiln.vuln.inventory.Inventories;
import dev.kiln.vuln.inventory.Inventory;
import dev.kiln.vuln.match.ScanReport;
import dev.kiln.vuln.match.ScanSources;
import dev.kiln.vuln.match.Severity;
import dev.kiln.vuln.report.ScanReports;
import dev.kiln.vuln.vex.OpenVex;
import dev.kiln.vuln.vex.VexDocument;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
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
    @Nullable
    Path advisories;

    @Option(names = "--secdb", description = "a secdb security.json (instead of or besides --advisories)")
    @Nullable
    Path secdb;

    @Option(
            names = "--advisories-distro",
            paramLabel = "ID[:RELEASE]",
            description = {
                "the distribution --advisories or --secdb describe (e.g. wolfi, alpine:3.18); they are matched only",
                "against images of that distribution. Default: kiln for advisory documents; a secdb's URL prefix"
            })
    @Nullable
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
    @Nullable
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
        List<VexDocument> docs = new ArrayList<>();
        for (Path v : vex) {
            docs.add(OpenVex.parse(Files.readAllBytes(v), v.toString()));
        }
        ScanSources sources = ScanSources.load(advisories, secdb, osv, advisoriesDistro, clock)
                .withVex(docs);
        Inventory inv = Inventories.of(image.load(target).rootfs());
        ScanReport report = sources.scan(target, inv, imagePurls);
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
}
