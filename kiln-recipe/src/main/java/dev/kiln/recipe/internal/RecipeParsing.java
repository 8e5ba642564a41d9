package dev.kiln.recipe.internal;

import dev.kiln.recipe.PipelineDefinition;
import dev.kiln.recipe.Problem;
import dev.kiln.recipe.Recipe;
import dev.kiln.recipe.RecipeException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.yaml.snakeyaml.nodes.Node;

/** Entry points of the YAML readers; keeps SnakeYAML types out of every public signature. */
public final class RecipeParsing {
    private RecipeParsing() {}

    /**
     * Reads a recipe file.
     *
     * @throws RecipeException with every problem of the file, in file order
     */
    public static Recipe recipe(String file, String text) {
        NodeReader reader = new NodeReader(file);
        Node root = YamlDocuments.compose(file, text);
        TemplateSyntax.check(root, text, reader);
        Recipe recipe = new RecipeReader(reader).recipe(root, text);
        check(reader);
        return recipe;
    }

    public static PipelineDefinition definition(String name, String source, String text, boolean builtin) {
        NodeReader reader = new NodeReader(source);
        Node root = YamlDocuments.compose(source, text);
        TemplateSyntax.check(root, text, reader);
        PipelineDefinition def = new StepReader(reader).definition(name, source, root, builtin);
        check(reader);
        return def;
    }

    private static void check(NodeReader reader) {
        if (!reader.problems().isEmpty()) {
            List<Problem> sorted = new ArrayList<>(reader.problems());
            sorted.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
            throw new RecipeException(sorted);
        }
    }
}
