package dev.kiln.recipe;

import dev.kiln.recipe.internal.PlanCompiler;

/** Compiles a loaded {@link Recipe} into a {@link BuildPlan}; thread-safe. */
public final class RecipeCompiler {
    private final PipelineLibrary library;

    public RecipeCompiler(PipelineLibrary library) {
        this.library = library;
    }

    /**
     * Compiles a recipe into a build plan.
     *
     * @throws RecipeException with every problem found (unknown variables, bad inputs, …)
     */
    public BuildPlan compile(Recipe recipe, CompileOptions options) {
        return new PlanCompiler(library, recipe, options).compile();
    }
}
