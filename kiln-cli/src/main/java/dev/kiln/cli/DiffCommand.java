package dev.kiln.cli;

import dev.kiln.vuln.compare.PackageDiff;
import dev.kiln.vuln.inventory.Inventories;
import dev.kiln.vuln.inventory.InventoryPackage;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "diff", description = "Packages added, removed and changed from IMAGE_A to IMAGE_B.")
final class DiffCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE_A", description = ImageOptions.TARGET_HELP)
    String imageA;

    @Parameters(index = "1", paramLabel = "IMAGE_B", description = "the newer image")
    String imageB;

    @Mixin
    ImageOptions image = new ImageOptions();

    @Option(names = "--json", description = "one JSON line per difference")
    boolean json;

    @Override
    public Integer call() {
        PackageDiff diff = PackageDiff.of(
                Inventories.of(image.load(imageA).rootfs()),
                Inventories.of(image.load(imageB).rootfs()));
        Output out = Output.of(spec, json);
        if (!json) {
            spec.commandLine().getOut().print(diff.text());
            spec.commandLine().getOut().flush();
            return 0;
        }
        diff.removed().forEach(p -> out.emit(line("removed", p, p.version(), null)));
        diff.added().forEach(p -> out.emit(line("added", p, null, p.version())));
        diff.changed().forEach(c -> out.emit(line("changed", c.to(), c.from().version(), c.to().version())));
        return 0;
    }

    private static java.util.Map<String, @Nullable Object> line(
            String change, InventoryPackage p, @Nullable String from, @Nullable String to) {
        return Output.fields(
                "change",
                change,
                "ecosystem",
                p.ecosystem().name().toLowerCase(java.util.Locale.ROOT),
                "name",
                p.name(),
                "from",
                from,
                "to",
                to,
                "purl",
                p.purl());
    }
}
