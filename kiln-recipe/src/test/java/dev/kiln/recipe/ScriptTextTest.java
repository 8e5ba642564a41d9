package dev.kiln.recipe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.recipe.internal.ScriptText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptTextTest {
    @Test
    void dropsCommentLinesButNotHereDocumentsOrShebangs() {
        String script = """
        #!/bin/sh
          # indented comment
        echo a # trailing comments stay
        cat > x <<'EOF'
        # kept: part of the file written
        EOF
        # dropped again
        cat <<-END
        \t# kept too
        \tEND
        echo done
        """;
        assertThat(ScriptText.stripComments(script)).isEqualTo("""
        #!/bin/sh
        echo a # trailing comments stay
        cat > x <<'EOF'
        # kept: part of the file written
        EOF
        cat <<-END
        \t# kept too
        \tEND
        echo done
        """);
        assertThat(ScriptText.stripComments("echo $((1 << 2))\n# x")).isEqualTo("echo $((1 << 2))");
    }

    @Test
    void recipesConvenienceLoadsAndCompilesAFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("hello.yaml");
        Files.writeString(f, RecipeFixtures.recipe("", "echo ${{package.full-version}}"));
        BuildPlan plan = Recipes.compile(f, List.of(), CompileOptions.forArch("aarch64"));
        assertThat(plan.recipeFile()).isEqualTo("hello.yaml");
        assertThat(((ShellStep) plan.steps().get(0)).script()).isEqualTo("echo 1.2.3-r2");
        assertThat(plan.arch()).isEqualTo("aarch64");
    }
}
