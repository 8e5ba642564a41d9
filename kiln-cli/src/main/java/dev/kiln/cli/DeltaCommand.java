package dev.kiln.cli;

import dev.kiln.recipe.Recipe;
import dev.kiln.server.UpdatePorts;
import dev.kiln.update.DeltaReport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "delta",
        description =
                "List every local patch still carried, with its recorded reason and how long it has been carried.")
final class DeltaCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    RecipeSelection selection;

    @Option(names = "--json", description = "machine-readable output: one JSON object per line")
    boolean json;

    @Override
    public Integer call() throws IOException {
        Output out = Output.of(spec, json);
        List<Path> files = selection.files();
        List<String> problems = new ArrayList<>();
        DeltaReport report = new DeltaReport(Clock.systemUTC());
        for (Path f : files) {
            List<Recipe> loaded = UpdatePorts.load(List.of(f), List.of(), problems);
            for (Recipe r : loaded) {
                for (DeltaReport.Delta d : report.of(f, r.pkg().name())) {
                    String age =
                            d.carried() == null ? "unknown" : d.carried().toDays() + " days (" + d.sinceSource() + ")";
                    out.say(r.pkg().name() + "  " + d.patch() + "  carried " + age + "  "
                            + (d.reason().isEmpty() ? "NO REASON RECORDED" : d.reason()));
                    out.emit(Output.fields(
                            "event",
                            "delta",
                            "package",
                            r.pkg().name(),
                            "patch",
                            d.patch(),
                            "reason",
                            d.reason(),
                            "advisories",
                            d.advisories(),
                            "since",
                            d.since() == null ? null : d.since().toString(),
                            "sinceSource",
                            d.sinceSource(),
                            "carriedDays",
                            d.carried() == null ? null : d.carried().toDays()));
                }
            }
        }
        problems.forEach(out::error);
        return problems.isEmpty() ? 0 : 1;
    }
}
