package dev.kiln.recipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    assertThat(Substitution.apply("${{ not a name }} ${{}} ${{x", VARS::get, false))
        .isEqualTo("${{ not a name }} ${{}} ${{x");
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
    assertThat(Substitution.apply("${{a}}", Map.of("a", "${{b}}", "b", "no")::get, false)).isEqualTo("${{b}}");
  }
}
