package dev.kiln.recipe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecipeLinterTest {
    private static List<String> lint(String yaml) {
        return new RecipeLinter()
                .lint(RecipeFixtures.parse(yaml), null).stream()
                        .map(f -> f.rule() + "@" + f.line() + ":" + f.column())
                        .toList();
    }

    @Test
    void flagsTheClassicMistakes() {
        List<String> found = lint("""
        # CHECK-WHEN-VERSION-CHANGES: 1.0
        package:
          name: hello
          version: 1.1_rc1_rc2
          dependencies:
            runtime: [a, b, a]
        var-transforms:
          - from: ${{package.version}}
            match: \\.
            replace: _
            to: unused
        pipeline:
          - uses: fetch
            with:
              uri: not a url
              expected-sha256: abc
          - uses: git-checkout
            with:
              repository: https://example.org/x.git
              tag: v1
              branch: main
              expected-commit: 123
          - uses: git-checkout
            with:
              repository: https://example.org/y.git
              tag: v${{package.version}}
          - uses: nowhere/to/be/found
          - runs: echo ${{vars.typo}}
        update:
          enabled: false
          schedule: {period: yearly, reason: x}
        """);
        assertThat(found)
                .containsExactlyInAnyOrder(
                        "check-when-version-changes@1:1",
                        "contains-epoch@3:3",
                        "bad-version@4:12",
                        "no-repeated-deps@6:21",
                        "unused-var-transform@11:9",
                        "valid-pipeline-fetch-uri@15:12",
                        "valid-pipeline-fetch-digest@16:24",
                        "valid-pipeline-git-checkout-commit@22:24",
                        "valid-pipeline-git-checkout-tag-or-branch@17:5",
                        "pinned-git-checkout@23:5",
                        "unknown-pipeline@27:11",
                        "bad-template-var@28:16",
                        "update-disabled-reason@30:3",
                        "valid-update-schedule@31:22",
                        "valid-package-or-subpackage-test@3:3");
    }

    @Test
    void aCleanRecipeHasNoErrors() {
        List<LintFinding> findings = new RecipeLinter().lint(RecipeFixtures.parse("""
        package:
          name: hello
          version: "1.2.3_rc1_p2"
          epoch: 0
        pipeline:
          - uses: git-checkout
            with:
              repository: https://example.org/x.git
              tag: v${{package.version}}
              expected-commit: 0123456789abcdef0123456789abcdef01234567
        test:
          pipeline:
            - runs: hello
        update:
          enabled: true
          github: {identifier: a/b}
        """), null);
        assertThat(findings).isEmpty();
    }
}
