package dev.kiln.recipe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WolfiCorpusIT {
    @Test
    void everyWolfiRecipeLoadsAndCompiles() {
        Path recipes = Corpora.wolfi().resolve("recipes");
        List<Path> dirs = List.of(Corpora.wolfi().resolve("pipelines"));
        RecipeLoader loader = new RecipeLoader(dirs);
        RecipeCompiler compiler = new RecipeCompiler(PipelineLibrary.withBuiltins(dirs));
        CompileOptions options = CompileOptions.forArch("x86_64");
        List<Path> files = Corpora.yamlFiles(recipes);
        List<String> failures = new ArrayList<>();
        List<Recipe> parsed = new ArrayList<>();
        int loaded = 0;
        long yamlChars = 0;
        long loadNanos = 0;
        long compileNanos = 0;
        long yamlNanos = 0;
        long start = System.nanoTime();
        for (Path f : files) {
            try {
                long t0 = System.nanoTime();
                Recipe recipe = loader.load(f);
                parsed.add(recipe);
                long t1 = System.nanoTime();
                BuildPlan plan = compiler.compile(recipe, options);
                long t2 = System.nanoTime();
                yamlChars += plan.toYaml().length();
                loadNanos += t1 - t0;
                compileNanos += t2 - t1;
                yamlNanos += System.nanoTime() - t2;
                loaded++;
            } catch (RecipeException e) {
                failures.add(e.getMessage());
            }
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.printf(
                "wolfi corpus: %d files, %d loaded+compiled, %d failed; %d ms in all "
                        + "(load %d ms, compile %d ms, toYaml %d ms for %d chars)%n",
                files.size(),
                loaded,
                failures.size(),
                ms,
                loadNanos / 1_000_000,
                compileNanos / 1_000_000,
                yamlNanos / 1_000_000,
                yamlChars);
        failures.stream().limit(40).forEach(m -> System.out.println("  " + m.replace("\n", "\n    ")));
        // Lint is reported, not asserted: the corpus is Wolfi's, not Kiln's to fix. It reuses the
        // recipes loaded above rather than reading and parsing all 3,401 files a second time.
        RecipeLinter linter = new RecipeLinter(PipelineLibrary.withBuiltins(dirs));
        java.util.Map<String, Integer> rules = new java.util.TreeMap<>();
        for (Recipe recipe : parsed) {
            for (LintFinding finding : linter.lint(recipe, null)) {
                if (finding.severity() != LintFinding.Severity.INFO) {
                    rules.merge(finding.rule() + " (" + finding.severity() + ")", 1, Integer::sum);
                }
            }
        }
        System.out.println("wolfi lint findings by rule: " + rules);
        assertThat(files).hasSize(3401);
        // openjph writes '${{package.name} libraries' (one brace short): melange leaves the text in the
        // package description, Kiln rejects it at the brace's line and column.
        assertThat(failures)
                .containsExactly("recipe openjph.yaml:101:18: unterminated '${{': expected a variable"
                        + " name then '}}' (as in ${{package.version}}), found '${{package.name} libraries'");
        assertThat(loaded).isEqualTo(3400);
    }
}
