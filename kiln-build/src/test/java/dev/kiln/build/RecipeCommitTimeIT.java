package dev.kiln.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.apk.ApkReader;
import dev.kiln.content.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A recipe in git is built at its last commit's time, and two builds of it are the same bytes. */
class RecipeCommitTimeIT {
    static final long COMMITTED = 1_764_000_000L;

    @Test
    void packagesAreDatedByTheRecipeCommitAndStayByteIdentical(@TempDir Path dir) throws Exception {
        BuildFixture f = new BuildFixture(dir);
        Path recipe = f.writeRecipe("dated", """
                package:
                  name: dated
                  version: "1.0"
                  epoch: 0
                  description: "a package whose build time comes from its recipe's commit"
                  copyright:
                    - license: MIT
                pipeline:
                  - runs: |
                      mkdir -p ${{targets.destdir}}/usr/share/dated
                      echo "$SOURCE_DATE_EPOCH" > ${{targets.destdir}}/usr/share/dated/epoch
                """);
        try (Git git =
                Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            BuildTimeTest.commit(git, "recipes/dated.yaml", java.nio.file.Files.readString(recipe), COMMITTED);
        }

        BuildTime time = BuildTime.of(null, recipe);
        assertThat(time.source()).isEqualTo(BuildTime.Source.RECIPE_COMMIT);
        BuildResult first = f.build(recipe, dir.resolve("repo-a"), false, null, time.epochSeconds());
        BuildResult second = f.build(
                recipe,
                dir.resolve("repo-b"),
                false,
                null,
                BuildTime.of(null, recipe).epochSeconds());

        Path a = first.packages().get(0).file();
        Path b = second.packages().get(0).file();
        assertThat(Digest.sha256(b)).isEqualTo(Digest.sha256(a));
        var apk = ApkReader.read(a);
        assertThat(apk.pkgInfo().builddate()).isEqualTo(COMMITTED);
        assertThat(new String(apk.readFile("usr/share/dated/epoch").orElseThrow(), StandardCharsets.UTF_8).trim())
                .isEqualTo(Long.toString(COMMITTED));
    }
}
