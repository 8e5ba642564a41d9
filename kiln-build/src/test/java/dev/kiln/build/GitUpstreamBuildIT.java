package dev.kiln.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.apk.ApkPackage;
import dev.kiln.apk.ApkReader;
import dev.kiln.testkit.FixtureGitRepo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code git-checkout} from a local upstream repository with lightweight and annotated tags. */
class GitUpstreamBuildIT {

    static String recipe(String repoUrl, String version, String expectedCommit) {
        return """
                package:
                  name: tool
                  version: "%s"
                  epoch: 0
                  description: "a script from git"
                  copyright:
                    - license: Apache-2.0
                pipeline:
                  - uses: git-checkout
                    with:
                      repository: %s
                      tag: v${{package.version}}
                      expected-commit: %s
                  - runs: |
                      install -Dm755 tool.sh ${{targets.destdir}}/usr/bin/tool
                """.formatted(version, repoUrl, expectedCommit);
    }

    @Test
    void checksOutAnnotatedAndLightweightTagsAndVerifiesTheCommit(@TempDir Path dir) throws Exception {
        try (FixtureGitRepo upstream = new FixtureGitRepo(dir.resolve("upstream"))) {
            String c1 = upstream.commit("one", Map.of("tool.sh*", "#!/bin/sh\necho one\n"));
            String tagObject = upstream.annotatedTag("v1.0.0");
            String c2 = upstream.commit("two", Map.of("tool.sh*", "#!/bin/sh\necho two\n"));
            upstream.lightweightTag("v2.0.0");
            BuildFixture f = new BuildFixture(dir.resolve("build"));

            // annotated tag, pinned to the peeled commit
            f.build(f.writeRecipe("tool", recipe(upstream.url(), "1.0.0", c1)));
            ApkPackage one = ApkReader.read(f.repository.resolve("x86_64/tool-1.0.0-r0.apk"));
            assertThat(new String(one.readFile("usr/bin/tool").orElseThrow(), StandardCharsets.UTF_8))
                    .contains("echo one");
            assertThat(one.pkgInfo().provides()).contains("cmd:tool=1.0.0-r0");

            // annotated tag, pinned to the tag object itself (accepted, as melange does)
            f.build(f.writeRecipe("tool", recipe(upstream.url(), "1.0.0", tagObject)), dir.resolve("repo2"), false);

            // lightweight tag
            f.build(f.writeRecipe("tool", recipe(upstream.url(), "2.0.0", c2)));
            ApkPackage two = ApkReader.read(f.repository.resolve("x86_64/tool-2.0.0-r0.apk"));
            assertThat(new String(two.readFile("usr/bin/tool").orElseThrow(), StandardCharsets.UTF_8))
                    .contains("echo two");

            // a tag that moved away from the pinned commit
            assertThatThrownBy(() -> f.build(
                            f.writeRecipe("tool", recipe(upstream.url(), "2.0.0", c1)), dir.resolve("repo3"), false))
                    .isInstanceOf(BuildException.class)
                    .hasMessageContaining("expected-commit is " + c1)
                    .hasMessageContaining(c2);
        }
    }
}
