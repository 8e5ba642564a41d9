package dev.kiln.recipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.recipe.internal.GoRegex;
import org.junit.jupiter.api.Test;

class VarTransformTest {
    private static String replace(String input, String re, String template) {
        return GoRegex.replaceAll(GoRegex.compile(re), input, template);
    }

    @Test
    void goTemplateRules() {
        assertThat(replace("17.0.7.5", "^(\\d+\\.\\d+\\.\\d+)\\.(\\d+)$", "$1+$2"))
                .isEqualTo("17.0.7+5");
        // $1x names a group called "1x", which does not exist: it expands to nothing.
        assertThat(replace("1.2", "^(\\d+)\\.(\\d+)$", "$1x")).isEqualTo("");
        assertThat(replace("1.2", "^(\\d+)\\.(\\d+)$", "${1}x")).isEqualTo("1x");
        assertThat(replace("1.2", "^(\\d+)\\.(\\d+)$", "$$1")).isEqualTo("$1");
        assertThat(replace("1.2", "^(\\d+)\\.(\\d+)$", "$9-${2}")).isEqualTo("-2");
        assertThat(replace("1.2", "^(?P<major>\\d+)\\.(\\d+)$", "v$major")).isEqualTo("v1");
        assertThat(replace("1.2", "^(\\d+)\\.(\\d+)$", "a$-b${")).isEqualTo("a$-b${");
        assertThat(replace("a.b.c", "\\.", "_")).isEqualTo("a_b_c");
        // '_' belongs to names in Go: $1_ is the (missing) group "1_".
        assertThat(replace("1.2.3", "^(\\d+)\\.(\\d+)\\.(\\d+)$", "$1_$2_$3")).isEqualTo("3");
    }

    @Test
    void rejectsSyntaxRe2Lacks() {
        assertThatThrownBy(() -> GoRegex.compile("(a)\\1")).hasMessageContaining("backreference");
        assertThatThrownBy(() -> GoRegex.compile("a(?=b)")).hasMessageContaining("lookaround");
        assertThatThrownBy(() -> GoRegex.compile("a(?<!b)")).hasMessageContaining("lookaround");
    }

    @Test
    void transformsRunInDependencyOrderInsideRecipes() {
        String yaml = RecipeFixtures.recipe("""
        vars:
          tag: v${{vars.mangled}}
        var-transforms:
          - from: ${{package.version}}
            match: ^(\\d+)\\.(\\d+)\\.(\\d+)$
            replace: ${1}_${2}_$3
            to: mangled
        """, "echo ${{vars.tag}}");
        BuildPlan plan = RecipeFixtures.compile(yaml);
        assertThat(((ShellStep) plan.steps().get(0)).script()).isEqualTo("echo v1_2_3");
    }
}
