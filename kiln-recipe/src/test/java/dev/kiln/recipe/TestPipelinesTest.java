package dev.kiln.recipe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Kiln's built-in test pipelines stand in for Wolfi's: each takes every input the Wolfi definition of the
 * same name declares, as required or optional as there, with the same default, so that corpus recipes
 * pass the same {@code with:}; and each compiles into a call of its tool with the inputs in place.
 */
class TestPipelinesTest {
    private static final PipelineLibrary BUILTINS = PipelineLibrary.withBuiltins(List.of());

    private static List<String> testPipelines() {
        return BUILTINS.names().stream().filter(n -> n.startsWith("test/")).toList();
    }

    @Test
    void everyTestPipelineTakesWolfisInputsWithWolfisDefaults() throws IOException {
        Path wolfi = Corpora.wolfi().resolve("pipelines");
        List<String> problems = new ArrayList<>();
        int compared = 0;
        for (String name : testPipelines()) {
            Path theirs = wolfi.resolve(name + ".yaml");
            if (!Files.isRegularFile(theirs)) {
                continue;
            }
            compared++;
            Map<String, InputSpec> wolfiInputs = PipelineLibrary.parse(
                            name, theirs.toString(), Files.readString(theirs), false)
                    .inputs();
            Map<String, InputSpec> ours = BUILTINS.find(name).orElseThrow().inputs();
            for (Map.Entry<String, InputSpec> e : new TreeMap<>(wolfiInputs).entrySet()) {
                InputSpec mine = ours.get(e.getKey());
                String where = name + " input '" + e.getKey() + "'";
                if (mine == null) {
                    problems.add(where + ": missing");
                } else if (mine.required() != e.getValue().required()) {
                    problems.add(where + ": required " + mine.required() + ", Wolfi's "
                            + e.getValue().required());
                } else if (!Objects.equals(
                        blankToNull(mine.defaultValue()),
                        blankToNull(e.getValue().defaultValue()))) {
                    problems.add(where + ": default '" + mine.defaultValue() + "', Wolfi's '"
                            + e.getValue().defaultValue() + "'");
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(compared).as("test pipelines compared with Wolfi's").isGreaterThanOrEqualTo(25);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    @Test
    void eachTestPipelineCompilesIntoACallOfItsToolAndNeedsItsPackage() {
        Map<String, String> tools = new TreeMap<>(Map.of(
                "test/tw/ldd-check", "ldd-check",
                "test/tw/ver-check", "ver-check",
                "test/tw/help-check", "help-check",
                "test/tw/header-check", "header-check",
                "test/tw/devpackage", "package-type-check",
                "test/virtualpackage", "package-type-check",
                "test/no-docs", "no-docs-check",
                "test/pkgconf", "pkgconf-check",
                "test/daemon-check-output", "daemon-check-output",
                "test/tw/pip-check", "tw-pip-check"));
        for (String name : testPipelines()) {
            StringBuilder with = new StringBuilder();
            BUILTINS.find(name).orElseThrow().inputs().forEach((input, spec) -> {
                if (spec.required()) {
                    with.append("        ").append(input).append(": required-value\n");
                }
            });
            String test =
                    "test:\n  pipeline:\n    - uses: " + name + "\n" + (with.isEmpty() ? "" : "      with:\n" + with);
            BuildPlan plan = RecipeFixtures.compile(RecipeFixtures.recipe(test, "true"));

            TestPlan tests = plan.mainPackage().test();
            String script = tests.steps().stream()
                    .filter(ShellStep.class::isInstance)
                    .map(s -> ((ShellStep) s).script())
                    .reduce("", String::concat);
            assertThat(script).as(name).doesNotContain("${{");
            if (tools.containsKey(name)) {
                assertThat(script).as(name).contains(tools.get(name));
                assertThat(tests.environmentPackages()).as(name + " needs").contains(tools.get(name));
            }
        }
    }

    @Test
    void lddCheckPassesTheRecipesInputsAndDefaultsToThePackageUnderTest() {
        BuildPlan plan = RecipeFixtures.compile(RecipeFixtures.recipe("""
                test:
                  pipeline:
                    - uses: test/tw/ldd-check
                      with:
                        extra-library-paths: /usr/lib/hello/private
                """, "true"));

        ShellStep step = (ShellStep) plan.mainPackage().test().steps().get(0);
        assertThat(step.script())
                .contains("--packages=\"hello\"")
                .contains("--extra-library-paths=\"/usr/lib/hello/private\"")
                .contains("--verbose=\"false\"");
    }
}
