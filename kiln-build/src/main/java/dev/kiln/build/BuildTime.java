package dev.kiln.build;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Objects;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.jspecify.annotations.Nullable;

/**
 * When a package says it was built: its {@code SOURCE_DATE_EPOCH}, derived from its inputs so that the
 * same inputs give the same bytes on any day. A declared value (the flag, else the environment) wins;
 * otherwise the committer time of the recipe file's last commit, as melange does when the recipe
 * lives in a git repository; otherwise 0 with a warning. The file's modification time is never used:
 * a checkout or a copy changes it without changing the recipe.
 *
 * <p>Images take the newest build time of their packages as their creation time, so this is also
 * what makes an image say how fresh it is.
 *
 * @param epochSeconds the build time in seconds since 1970
 * @param source       where it came from
 * @param warning      why it is 0, or null
 */
public record BuildTime(
        long epochSeconds, Source source, @Nullable String warning) {
    public enum Source {
        DECLARED,
        RECIPE_COMMIT,
        NONE
    }

    /** {@code declared} when not null, else the recipe's last commit time, else 0 with a warning. */
    public static BuildTime of(@Nullable Long declared, Path recipe) {
        if (declared != null) {
            return new BuildTime(declared, Source.DECLARED, null);
        }
        return lastCommitTime(recipe);
    }

    private static BuildTime lastCommitTime(Path recipe) {
        Path file;
        try {
            file = recipe.toRealPath();
        } catch (IOException e) {
            return none(recipe, "cannot read it: " + e.getMessage());
        }
        // the recipe's own directory decides, not GIT_DIR of whoever runs the build
        FileRepositoryBuilder finder =
                new FileRepositoryBuilder().findGitDir(parentOf(file).toFile());
        if (finder.getGitDir() == null) {
            return none(recipe, "it is not in a git repository");
        }
        try (Repository repo = finder.build();
                Git git = new Git(repo)) {
            if (repo.isBare()) {
                return none(recipe, "its repository has no work tree");
            }
            Path top = repo.getWorkTree().toPath().toRealPath();
            if (!file.startsWith(top)) {
                return none(recipe, "it lies outside its repository's work tree " + top);
            }
            String relative =
                    top.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
            if (repo.resolve("HEAD") == null) {
                return none(recipe, "its repository has no commit yet");
            }
            Iterator<RevCommit> log =
                    git.log().addPath(relative).setMaxCount(1).call().iterator();
            if (!log.hasNext()) {
                return none(recipe, "it was never committed");
            }
            return new BuildTime(log.next().getCommitTime(), Source.RECIPE_COMMIT, null);
        } catch (IOException | GitAPIException | RuntimeException e) {
            return none(recipe, "cannot read its git history: " + e.getMessage());
        }
    }

    /** The directory of a real file path (a regular file's real path always has one). */
    private static Path parentOf(Path file) {
        return Objects.requireNonNull(file.getParent(), () -> file + " has no parent directory");
    }

    private static BuildTime none(Path recipe, String why) {
        return new BuildTime(
                0,
                Source.NONE,
                "recipe " + recipe + ": no SOURCE_DATE_EPOCH declared and no commit time, because " + why
                        + "; packages are dated 1970-01-01 (commit the recipe or set SOURCE_DATE_EPOCH)");
    }
}
