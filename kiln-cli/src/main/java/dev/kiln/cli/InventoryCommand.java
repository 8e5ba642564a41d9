package dev.kiln.cli;

import dev.kiln.vuln.inventory.Inventories;
import dev.kiln.vuln.inventory.Inventory;
import dev.kiln.vuln.report.InventorySboms;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "inventory",
        description = {
            "List an image's packages (APK, dpkg, Python, Java, npm, Go) with their purls and",
            "evidence files, as Kiln JSON, SPDX 2.3 or CycloneDX 1.6."
        })
final class InventoryCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "TARGET", description = ImageOptions.TARGET_HELP)
    String target;

    @Mixin
    ImageOptions image = new ImageOptions();

    @Option(
            names = "--format",
            defaultValue = "json",
            description = "json, spdx or cyclonedx (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--source-date-epoch", description = "document creation time (default: $SOURCE_DATE_EPOCH, else 0)")
    @Nullable
    Long sourceDateEpoch;

    @Override
    public Integer call() {
        Long epoch = Defaults.sourceDateEpoch(sourceDateEpoch);
        Instant created = Instant.ofEpochSecond(epoch == null ? 0 : epoch);
        Inventory inv = Inventories.of(image.load(target).rootfs());
        byte[] doc = switch (format) {
            case "json" -> InventorySboms.json(inv, target);
            case "spdx" -> InventorySboms.spdx(inv, target, created);
            case "cyclonedx" -> InventorySboms.cyclonedx(inv, target, created);
            default ->
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(), "--format: expected json, spdx or cyclonedx, found '" + format + "'");
        };
        var out = spec.commandLine().getOut();
        out.print(new String(doc, StandardCharsets.UTF_8));
        out.flush();
        return 0;
    }
}
