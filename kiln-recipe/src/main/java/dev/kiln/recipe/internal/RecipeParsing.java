package dev.kiln.recipe.internal;

import dev.kiln.content.Problem;
import dev.kiln.content.yaml.YamlNode;
import dev.kiln.content.yaml.YamlReader;
import dev.kiln.content.yaml.YamlSyntaxException;
import dev.kiln.content.yaml.YamlTree;
import dev.kiln.recipe.PipelineDefinition;
import dev.kiln.recipe.Recipe;
import dev.kiln.recipe.RecipeException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Entry points of the YAML readers; keeps SnakeYAML types out of every public signature. */
public final class RecipeParsing {
    private RecipeParsing() {}

    /**
     * Reads a recipe file.
     *
     * @throws RecipeException with every problem of the file, in file order
     */
    public static Recipe recipe(String file, String text) {
        YamlReader reader = new YamlReader(file, "the recipe");
        YamlNode root = compose(file, text);
        TemplateSyntax.check(root, text, reader);
        Recipe recipe = new RecipeReader(reader).recipe(root, text);
        check(reader);
        return recipe;
    }

    public static PipelineDefinition definition(String name, String source, String text, boolean builtin) {
        YamlReader reader = new YamlReader(source, "the pipeline");
        YamlNode root = compose(source, text);
        TemplateSyntax.check(root, text, reader);
        PipelineDefinition def = new StepReader(reader).definition(name, source, root, builtin);
        check(reader);
        return def;
    }

    /** The document's root node; null for an empty document. */
    private static @Nullable YamlNode compose(String file, String text) {
        try {
            return YamlTree.compose(file, text);
        } catch (YamlSyntaxException e) {
            throw new RecipeException(List.of(e.problem()), e);
        }
    }

    private static void check(YamlReader reader) {
        if (!reader.problems().isEmpty()) {
            List<Problem> sorted = new ArrayList<>(reader.problems());
            sorted.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
            throw new RecipeException(sorted);
        }
    }
}
