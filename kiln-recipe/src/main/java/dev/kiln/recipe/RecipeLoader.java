package dev.kiln.recipe;

import dev.kiln.content.Problem;
import dev.kiln.recipe.internal.RecipeParsing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads melange recipes into the strict typed {@link Recipe} model: unknown keys and wrong types
 * at any level are errors with line and column, all reported together.
 */
public final class RecipeLoader {
    private final List<Path> pipelineDirs;

    public RecipeLoader(List<Path> pipelineDirs) {
        this.pipelineDirs = List.copyOf(pipelineDirs);
    }

    public List<Path> pipelineDirs() {
        return pipelineDirs;
    }

    public Recipe load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RecipeException(List.of(new Problem(file.toString(), 0, 0, "cannot read: " + e)), e);
        }
        return parse(file.getFileName().toString(), text);
    }

    public Recipe parse(String fileName, String yamlText) {
        return RecipeParsing.recipe(fileName, yamlText);
    }
}
