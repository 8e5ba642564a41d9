package dev.kiln.recipe;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A melange recipe as written: strings are not yet substituted, so tools that rewrite recipes
 * (version bumps) and linters see the author's text. {@link RecipeCompiler} turns it into a
 * {@link BuildPlan}. {@code text} is the file content, kept for comment-based lint rules.
 */
public record Recipe(
        String file,
        PackageSpec pkg,
        BuildEnvironment environment,
        Capabilities capabilities,
        List<PipelineStep> pipeline,
        List<SubpackageSpec> subpackages,
        Map<String, Map<String, String>> data,
        @Nullable UpdateSpec update,
        Map<String, String> vars,
        List<VarTransform> varTransforms,
        Map<String, BuildOption> options,
        @Nullable TestSpec test,
        SourceMap sourceMap,
        String text) {
    public Recipe {
        pipeline = List.copyOf(pipeline);
        subpackages = List.copyOf(subpackages);
        data = Map.copyOf(data);
        vars = Map.copyOf(vars);
        varTransforms = List.copyOf(varTransforms);
        options = Map.copyOf(options);
    }
}
