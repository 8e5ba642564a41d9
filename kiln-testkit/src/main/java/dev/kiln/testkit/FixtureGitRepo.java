package dev.kiln.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.revwalk.RevCommit;

/** An upstream git repository in a temporary folder, with commits and tags made by the test. */
public final class FixtureGitRepo implements AutoCloseable {
    private static final PersonIdent AUTHOR = new PersonIdent(
            "Upstream Dev",
            "dev@example.org",
            java.time.Instant.ofEpochSecond(1_600_000_000L),
            java.time.ZoneOffset.UTC);
    private final Path dir;
    private final Git git;

    public FixtureGitRepo(Path dir) {
        this.dir = dir;
        try {
            this.git = Git.init()
                    .setDirectory(dir.toFile())
                    .setInitialBranch("main")
                    .call();
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** The repository URL a recipe uses. */
    public String url() {
        return dir.toUri().toString();
    }

    /** Writes the files (paths ending in {@code *} executable) and commits them; returns the commit id. */
    public String commit(String message, Map<String, String> files) {
        try {
            for (Map.Entry<String, String> e : files.entrySet()) {
                boolean exec = e.getKey().endsWith("*");
                String name = exec ? e.getKey().substring(0, e.getKey().length() - 1) : e.getKey();
                Path file = dir.resolve(name);
                Files.createDirectories(file.getParent());
                Files.writeString(file, e.getValue(), StandardCharsets.UTF_8);
                file.toFile().setExecutable(exec);
            }
            git.add().addFilepattern(".").call();
            RevCommit commit = git.commit()
                    .setMessage(message)
                    .setAuthor(AUTHOR)
                    .setCommitter(AUTHOR)
                    .call();
            return commit.getName();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A lightweight tag on HEAD; returns the commit id it names. */
    public String lightweightTag(String name) {
        try {
            Ref ref = git.tag().setName(name).setAnnotated(false).call();
            return ref.getObjectId().getName();
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An annotated tag on HEAD; returns the id of the tag object (not the commit). */
    public String annotatedTag(String name) {
        try {
            Ref ref = git.tag()
                    .setName(name)
                    .setAnnotated(true)
                    .setMessage("release " + name)
                    .setTagger(AUTHOR)
                    .call();
            return ref.getObjectId().getName();
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        git.close();
    }
}
