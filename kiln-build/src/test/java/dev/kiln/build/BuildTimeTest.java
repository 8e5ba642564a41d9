package dev.kiln.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildTimeTest {
    static final long T1 = 1_700_000_000L;
    static final long T2 = 1_700_100_000L;
    static final long T3 = 1_700_200_000L;

    @TempDir
    Path tmp;

    static void commit(Git git, String file, String content, long at) throws Exception {
        Path f = git.getRepository().getWorkTree().toPath().resolve(file);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
        git.add().addFilepattern(file).call();
        PersonIdent who = new PersonIdent("Packager", "p@example.org", Instant.ofEpochSecond(at), ZoneOffset.UTC);
        git.commit().setMessage(file).setAuthor(who).setCommitter(who).call();
    }

    @Test
    void aDeclaredEpochWins() throws Exception {
        BuildTime t = BuildTime.of(42L, tmp.resolve("missing.yaml"));
        assertThat(t.epochSeconds()).isEqualTo(42);
        assertThat(t.source()).isEqualTo(BuildTime.Source.DECLARED);
        assertThat(t.warning()).isNull();
    }

    @Test
    void otherwiseTheRecipesOwnLastCommitNotTheRepositorysNewest() throws Exception {
        try (Git git =
                Git.init().setDirectory(tmp.toFile()).setInitialBranch("main").call()) {
            commit(git, "recipes/hello.yaml", "package: {name: hello}\n", T1);
            commit(git, "recipes/other.yaml", "package: {name: other}\n", T2);
            Path hello = tmp.resolve("recipes/hello.yaml");
            BuildTime t = BuildTime.of(null, hello);
            assertThat(t.epochSeconds()).isEqualTo(T1);
            assertThat(t.source()).isEqualTo(BuildTime.Source.RECIPE_COMMIT);
            // touching the file changes nothing; a new commit of it does
            Files.setLastModifiedTime(hello, java.nio.file.attribute.FileTime.from(Instant.ofEpochSecond(T3 + 5)));
            assertThat(BuildTime.of(null, hello).epochSeconds()).isEqualTo(T1);
            commit(git, "recipes/hello.yaml", "package: {name: hello, version: 2}\n", T3);
            assertThat(BuildTime.of(null, hello).epochSeconds()).isEqualTo(T3);
        }
    }

    @Test
    void anUncommittedRecipeOrOneOutsideGitIsDatedZeroWithAWarning() throws Exception {
        Path loose = tmp.resolve("loose/hello.yaml");
        Files.createDirectories(loose.getParent());
        Files.writeString(loose, "package: {name: hello}\n");
        BuildTime outside = BuildTime.of(null, loose);
        assertThat(outside.epochSeconds()).isZero();
        assertThat(outside.source()).isEqualTo(BuildTime.Source.NONE);
        assertThat(outside.warning())
                .contains("recipe " + loose)
                .contains("not in a git repository")
                .contains("SOURCE_DATE_EPOCH");

        Path repo = tmp.resolve("repo");
        try (Git git =
                Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            commit(git, "README", "x\n", T1);
            Path untracked = repo.resolve("new.yaml");
            Files.writeString(untracked, "package: {name: new}\n");
            assertThat(BuildTime.of(null, untracked).warning()).contains("never committed");
        }
    }
}
