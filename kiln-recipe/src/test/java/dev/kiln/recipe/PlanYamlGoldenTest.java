package dev.kiln.recipe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class PlanYamlGoldenTest {
    private static String resource(String name) throws IOException {
        try (InputStream in = PlanYamlGoldenTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void compiledRecipeMatchesGolden() throws IOException {
        BuildPlan plan = new RecipeCompiler(PipelineLibrary.withBuiltins(List.of()))
                .compile(
                        new RecipeLoader(List.of()).parse("hello.yaml", resource("golden-hello.yaml")),
                        CompileOptions.forArch("x86_64"));
        String yaml = plan.toYaml();
        Path regen = Path.of("target/golden-hello.compiled.yaml");
        Files.writeString(regen, yaml); // to update the golden: copy this file over the resource
        assertThat(yaml).isEqualTo(resource("golden-hello.compiled.yaml"));
        assertThat(plan.toYaml()).isEqualTo(yaml);
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = new Yaml().load(yaml);
        @SuppressWarnings("unchecked")
        Map<String, Object> pkg = (Map<String, Object>) parsed.get("package");
        assertThat(pkg.get("description")).isEqualTo("GNU hello: the friendly greeter");
        assertThat(pkg.get("version")).isEqualTo("2.12.1");
        assertThat(plan.license()).isEqualTo("GPL-3.0-or-later AND MIT");
    }
}
