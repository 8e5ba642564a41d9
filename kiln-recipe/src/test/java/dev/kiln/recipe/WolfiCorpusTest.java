package dev.kiln.recipe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WolfiCorpusTest {
  @Test
  void everyWolfiRecipeLoadsAndCompiles() {
    Path recipes = Corpora.wolfi().resolve("recipes");
    List<Path> dirs = List.of(Corpora.wolfi().resolve("pipelines"));
    RecipeLoader loader = new RecipeLoader(dirs);
    RecipeCompiler compiler = new RecipeCompiler(PipelineLibrary.withBuiltins(dirs));
    CompileOptions options = CompileOptions.forArch("x86_64");
    List<Path> files = Corpora.yamlFiles(recipes);
    List<String> failures = new ArrayList<>();
    int loaded = 0;
    long yamlChars = 0;
    long start = System.nanoTime();
    for (Path f : files) {
      try {
        BuildPlan plan = compiler.compile(loader.load(f), options);
        yamlChars += plan.toYaml().length();
        loaded++;
      } catch (RecipeException e) {
        failures.add(e.getMessage());
      }
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("wolfi corpus: %d files, %d loaded+compiled (+toYaml, %d chars), %d failed, %d ms%n",
        files.size(), loaded, yamlChars, failures.size(), ms);
    failures.stream().limit(40).forEach(m -> System.out.println("  " + m.replace("\n", "\n    ")));
    assertThat(files).hasSize(3401);
    assertThat(loaded).isEqualTo(3401);
  }
}
