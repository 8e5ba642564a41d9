package dev.kiln.recipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kiln.recipe.internal.Substitution;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SubstitutionTest {
    private static final Map<String, String> VARS = Map.of("package.name", "curl", "vars.x-y_z.1", "ok");

    @Test
    void replacesReferencesWithOptionalSpaces() {
        assertThat(Substitution.apply("${{package.name}}-${{ package.name }}-${{vars.x-y_z.1}}", VARS::get, false))
                .isEqualTo("curl-curl-ok");
    }

    @Test
    void leavesNonReferencesAlone() {
        assertThat(Substitution.apply("${{ not a name }} ${{}} ${{a == \"b\" && \"c\" || \"\"}}", VARS::get, false))
                .isEqualTo("${{ not a name }} ${{}} ${{a == \"b\" && \"c\" || \"\"}}");
        assertThat(Substitution.apply("${HOME} $((1+2))", VARS::get, false)).isEqualTo("${HOME} $((1+2))");
    }

    @Test
    void unknownNamesAreKeptInParsePhaseAndErrorsAtCompileTime() {
        assertThat(Substitution.apply("${{range.key}}/${{package.name}}", VARS::get, true))
                .isEqualTo("${{range.key}}/curl");
        assertThatThrownBy(() -> Substitution.apply("${{range.key}}", VARS::get, false))
                .hasMessageContaining("${{range.key}}");
    }

    @Test
    void valuesAreNotRescanned() {
        assertThat(Substitution.apply("${{a}}", Map.of("a", "${{b}}", "b", "no")::get, false))
                .isEqualTo("${{b}}");
    }

    @Test
    void anUnterminatedReferenceIsAnErrorWithItsOffset() {
        Substitution.Unterminated e = catchThrowableOfType(
                Substitution.Unterminated.class,
                () -> Substitution.apply("lib${{package.name} and ${{package.name}}", VARS::get, false));
        assertThat(e.offset()).isEqualTo(3);
        assertThat(e)
                .hasMessage("unterminated '${{': expected a variable name then '}}' (as in ${{package.version}}),"
                        + " found '${{package.name} and ${{package.name}}'");
        assertThatThrownBy(() -> Substitution.apply("tail ${{", VARS::get, false))
                .isInstanceOf(Substitution.Unterminated.class);
        // labels keep what they cannot substitute
        assertThat(Substitution.apply("x ${{package.name", VARS::get, true)).isEqualTo("x ${{package.name");
    }
}
