package dev.kiln.recipe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MelangeExamplesTest {
    @Test
    void everyTopLevelExampleLoadsAndCompiles() {
        List<Path> files = Corpora.yamlFiles(Corpora.melangeExamples());
        RecipeLoader loader = new RecipeLoader(List.of());
        RecipeCompiler compiler = new RecipeCompiler(PipelineLibrary.withBuiltins(List.of()));
        List<String> failures = new ArrayList<>();
        // Kiln requires pinned sources: these two examples fetch without any checksum.
        Map<String, String> expected = Map.of(
                "fetch-directory.yaml", "one of 'expected-sha256', 'expected-sha512' or 'expected-none' is required",
                "var-transforms.yaml", "one of 'expected-sha256', 'expected-sha512' or 'expected-none' is required");
        for (Path f : files) {
            try {
                BuildPlan plan = compiler.compile(loader.load(f), CompileOptions.forArch("x86_64"));
                assertThat(plan.toYaml()).startsWith("package:");
                assertThat(expected).doesNotContainKey(f.getFileName().toString());
            } catch (RecipeException e) {
                String name = f.getFileName().toString();
                if (expected.containsKey(name)) {
                    assertThat(e.getMessage()).contains(expected.get(name));
                }
                failures.add(e.getMessage());
            }
        }
        System.out.printf("melange examples: %d files, %d failed%n", files.size(), failures.size());
        failures.forEach(m -> System.out.println("  " + m.replace("\n", "\n    ")));
        assertThat(files).isNotEmpty();
        assertThat(failures).hasSize(expected.size());
    }
}
