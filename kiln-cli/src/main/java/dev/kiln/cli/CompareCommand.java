package dev.kiln.cli;

import dev.kiln.content.AtomicFiles;
import dev.kiln.server.web.ComparisonReport;
import dev.kiln.vuln.compare.ImageComparison;
import dev.kiln.vuln.compare.ImageFacts;
import dev.kiln.vuln.match.ScanSources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "compare",
        description = {
            "Compare two images side by side: size, layers, files, setuid/setgid files, packages,"
                    + " CVEs by severity, shell, package manager, user and package age."
        })
final class CompareCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE_A", description = ImageOptions.TARGET_HELP)
    String imageA;

    @Parameters(index = "1", paramLabel = "IMAGE_B", description = "the image to compare with IMAGE_A")
    String imageB;

    @Mixin
    ImageOptions image = new ImageOptions();

    @Option(names = "--advisories", description = "advisory document directory (Kiln's own distribution data)")
    @Nullable
    Path advisories;

    @Option(names = "--secdb", description = "a secdb security.json")
    @Nullable
    Path secdb;

    @Option(
            names = "--advisories-distro",
            paramLabel = "ID[:RELEASE]",
            description = "the distribution --advisories"
                    + " or --secdb describe (default: kiln for advisory documents; a secdb's URL prefix)")
    @Nullable
    String advisoriesDistro;

    @Option(
            names = "--osv",
            description = "OSV records: a store directory, a directory of files, or a file; repeatable")
    List<Path> osv = new ArrayList<>();

    @Option(names = "--json", description = "JSON instead of a table")
    boolean json;

    @Option(names = "--markdown", description = "a Markdown table instead of a terminal table")
    boolean markdown;

    @Option(
            names = "--html",
            paramLabel = "FILE",
            description = "also write the comparison as one self-contained HTML page (size chart and table) to FILE")
    @Nullable
    Path html;

    @Override
    public Integer call() throws IOException {
        Clock clock = Clock.systemUTC();
        ScanSources sources = ScanSources.load(advisories, secdb, osv, advisoriesDistro, clock);
        ImageComparison cmp = new ImageComparison(
                ImageFacts.scan(image.load(imageA), sources),
                ImageFacts.scan(image.load(imageB), sources),
                clock.instant());
        if (html != null) {
            AtomicFiles.write(html, ComparisonReport.html(cmp).getBytes(StandardCharsets.UTF_8));
        }
        var out = spec.commandLine().getOut();
        out.print(json ? cmp.jsonText() + "\n" : markdown ? cmp.markdown() : cmp.table());
        out.flush();
        return 0;
    }
}
