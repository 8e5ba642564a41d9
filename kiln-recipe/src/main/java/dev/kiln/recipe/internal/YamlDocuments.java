package dev.kiln.recipe.internal;

import dev.kiln.recipe.Problem;
import dev.kiln.recipe.RecipeException;
import java.io.StringReader;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/** Composes YAML text into a node tree (marks kept), turning syntax errors into problems. */
final class YamlDocuments {
    private YamlDocuments() {}

    static Node compose(String file, String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true); // NodeReader reports duplicates with their position
        options.setMaxAliasesForCollections(50);
        options.setCodePointLimit(8 * 1024 * 1024);
        try {
            return new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            int line = m == null ? 0 : m.getLine() + 1;
            int col = m == null ? 0 : m.getColumn() + 1;
            String what = e.getProblem() != null ? e.getProblem() : e.getMessage();
            throw new RecipeException(List.of(new Problem(file, line, col, "invalid YAML: " + what)), e);
        } catch (YAMLException e) {
            throw new RecipeException(List.of(new Problem(file, 0, 0, "invalid YAML: " + e.getMessage())), e);
        }
    }
}
