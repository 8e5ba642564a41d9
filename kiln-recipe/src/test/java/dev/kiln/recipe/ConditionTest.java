package dev.kiln.recipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConditionTest {
    private static final Map<String, String> VARS =
            Map.of("build.arch", "x86_64", "range.key", "64", "tricky", "a' || 'b", "empty", "");

    private static boolean eval(String expr) {
        return Condition.evaluate(expr, VARS);
    }

    @Test
    void comparesQuotedStringsAndVariables() {
        assertThat(eval("${{build.arch}} == 'x86_64'")).isTrue();
        assertThat(eval("${{ build.arch }} != \"x86_64\"")).isFalse();
        assertThat(eval("\"${{range.key}}\" == \"64\"")).isTrue();
        assertThat(eval("${{empty}} == ''")).isTrue();
    }

    @Test
    void andOrHaveEqualPrecedenceLeftToRight() {
        // (true || true) && false: false; with the usual precedence it would be true.
        assertThat(eval("'a' == 'a' || 'b' == 'b' && 'c' == 'd'")).isFalse();
        assertThat(eval("'a' == 'a' || ('b' == 'b' && 'c' == 'd')")).isTrue();
        assertThat(eval("('a' == 'a' && 'b' != 'b') || 'c' == 'c'")).isTrue();
        assertThat(eval("${{build.arch}} != 'x86_64' && ${{build.arch}} != 'x86' && ${{build.arch}} != 'mips64'"))
                .isFalse();
    }

    @Test
    void aVariableNeverChangesTheStructure() {
        assertThat(eval("${{tricky}} == 'a\\' || \\'b'")).isTrue();
    }

    @Test
    void escapesInsideQuotes() {
        assertThat(eval("'it\\'s' == \"it's\"")).isTrue();
        assertThat(eval("'a\\\\b' == \"a\\\\b\"")).isTrue();
        assertThat(eval("'tab\\there' == \"tab\there\"")).isTrue();
        assertThat(eval("'\\q' == '\\q'")).isTrue(); // unknown escapes are kept as written
    }

    @Test
    void errorsNameTheExpressionAndColumn() {
        assertThatThrownBy(() -> eval("x86_64 == 'x86_64'"))
                .isInstanceOf(RecipeException.class)
                .hasMessageContaining("invalid if expression 'x86_64 == 'x86_64''")
                .hasMessageContaining("column 1");
        assertThatThrownBy(() -> eval("'a' == 'a' 'b'")).hasMessageContaining("unexpected trailing input");
        assertThatThrownBy(() -> eval("'a == 'a'")).isInstanceOf(RecipeException.class);
        assertThatThrownBy(() -> eval("('a' == 'a'")).hasMessageContaining("expected ')'");
        assertThatThrownBy(() -> eval("${{nope}} == 'a'")).hasMessageContaining("unknown variable ${{nope}}");
        assertThatThrownBy(() -> eval("'a' = 'a'")).hasMessageContaining("expected '==' or '!='");
    }
}
