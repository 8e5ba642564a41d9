package dev.kiln.cli;

import dev.kiln.content.AtomicFiles;
import dev.kiln.vuln.inventory.Inventories;
import dev.kiln.vuln.inventory.Inventory;
import dev.kiln.vuln.match.ScanSources;
import dev.kiln.vuln.vex.OpenVex;
import dev.kiln.vuln.vex.VexDocument;
import dev.kiln.vuln.vex.VexGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "vex", description = "Emit the OpenVEX document of an image from its advisories.")
final class VexCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "TARGET", description = ImageOptions.TARGET_HELP)
    String target;

    @picocli.CommandLine.Mixin
    ImageOptions image = new ImageOptions();

    @Option(names = "--advisories", required = true, description = "advisory document directory")
    Path advisories;

    @Option(names = "--image-purl", description = "purl of the image (product id); repeatable")
    List<String> imagePurls = new ArrayList<>();

    @Option(names = "--author", defaultValue = "Kiln", description = "document author (default: ${DEFAULT-VALUE})")
    String author;

    @Option(
            names = {"-o", "--output"},
            description = "write to this file instead of stdout")
    @Nullable
    Path output;

    @Override
    public Integer call() throws IOException {
        Clock clock = Clock.systemUTC();
        Long epoch = Defaults.sourceDateEpoch();
        Instant at = epoch != null
                ? Instant.ofEpochSecond(epoch)
                : clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        ScanSources in = ScanSources.load(advisories, null, List.of(), null, clock);
        Inventory inv = Inventories.of(image.load(target).rootfs());
        VexDocument doc = VexGenerator.generate(inv, in.distro(), imagePurls, author, at);
        byte[] json = OpenVex.toJson(doc);
        if (output != null) {
            AtomicFiles.write(output, json);
        } else {
            spec.commandLine().getOut().println(new String(json, StandardCharsets.UTF_8));
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
