package dev.kiln.recipe;

import java.nio.file.Path;
import java.util.List;

/** One-call conveniences over {@link RecipeLoader} and {@link RecipeCompiler}. */
public final class Recipes {
    private Recipes() {}

    public static BuildPlan compile(Path recipeFile, List<Path> pipelineDirs, CompileOptions options) {
        Recipe recipe = new RecipeLoader(pipelineDirs).load(recipeFile);
        return new RecipeCompiler(PipelineLibrary.withBuiltins(pipelineDirs)).compile(recipe, options);
    }
}
