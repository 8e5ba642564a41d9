package dev.kiln.recipe;

import java.util.List;

/** Small recipes written by the tests. */
final class RecipeFixtures {
    private RecipeFixtures() {}

    /** A minimal valid recipe (version 1.2.3) with {@code extra} top-level YAML and one runs step. */
    static String recipe(String extra, String runs) {
        return """
        package:
          name: hello
          version: "1.2.3"
          epoch: 2
          description: says hello
          copyright:
            - license: MIT
        pipeline:
          - runs: %s
        """.formatted(runs) + extra;
    }

    static Recipe parse(String yaml) {
        return new RecipeLoader(List.of()).parse("hello.yaml", yaml);
    }

    static BuildPlan compile(String yaml) {
        return compile(yaml, CompileOptions.forArch("x86_64"));
    }

    static BuildPlan compile(String yaml, CompileOptions options) {
        return new RecipeCompiler(PipelineLibrary.withBuiltins(List.of())).compile(parse(yaml), options);
    }
}
