package dev.kiln.cli;

import dev.kiln.update.RecipeBumper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "bump",
        description =
                "Increment the epoch of each recipe (a rebuild of the same version); only the epoch line changes.")
final class BumpCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "RECIPE", arity = "1..*", description = "recipe files")
    List<Path> recipes;

    @Override
    public Integer call() throws IOException {
        Output out = Output.of(spec, false);
        for (Path f : recipes) {
            RecipeBumper.Bump bump = RecipeBumper.incrementEpoch(f.getFileName().toString(), Files.readString(f));
            Files.writeString(f, bump.text());
            out.say(f + ": " + String.join(", ", bump.changes()));
        }
        return 0;
    }
}
