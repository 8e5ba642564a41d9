package dev.kiln.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Which recipes a catalog command works on: the RECIPE files given, or every recipe of --catalog. */
final class RecipeSelection {
    @Parameters(paramLabel = "RECIPE", description = "recipe files (default: every recipe of --catalog)")
    List<Path> recipes = new ArrayList<>();

    @Option(
            names = "--catalog",
            description = "recipe directory used when no RECIPE is given (default: ${DEFAULT-VALUE})")
    Path catalog = Defaults.EXAMPLES;

    List<Path> files() throws IOException {
        return recipes.isEmpty() ? CatalogFiles.yamlFiles(catalog) : recipes;
    }
}
