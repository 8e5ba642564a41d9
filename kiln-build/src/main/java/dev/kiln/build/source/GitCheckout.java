package dev.kiln.build.source;

import dev.kiln.build.BuildException;
import dev.kiln.content.ContainedTree;
import dev.kiln.content.ContentException;
import dev.kiln.content.FileTrees;
import dev.kiln.content.Hashing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.jspecify.annotations.Nullable;

/**
 * The {@code git-checkout} source: a bare mirror per repository URL in the cache (so a warm
 * cache needs no network), then a checkout of the pinned tag, branch or commit into the
 * workspace. The expected commit is verified against the peeled commit, or, for annotated
 * tags, also accepted as the tag object itself, as melange does.
 */
public final class GitCheckout {
    private final Path mirrors;
    private final Path scratch;
    private final boolean offline;

    public GitCheckout(Path cacheRoot, boolean offline) {
        this.mirrors = cacheRoot.resolve("git");
        this.scratch = cacheRoot.resolve("tmp");
        this.offline = offline;
    }

    /** What to check out. {@code branch} and {@code tag} are exclusive; both may be null. */
    public record Request(
            String repository,
            @Nullable String branch,
            @Nullable String tag,
            @Nullable String expectedCommit) {}

    /** Makes sure the mirror holds what {@code request} names; the only networked part. */
    public Path prefetch(Request request) {
        Path mirror = mirrorFor(request.repository());
        try {
            if (Files.isDirectory(mirror) && hasWhatIsNeeded(mirror, request)) {
                return mirror;
            }
            if (offline) {
                throw new BuildException(
                        "git-checkout " + request.repository() + ": " + describe(request)
                                + " is not in the source cache and the build is offline",
                        null);
            }
            if (!Files.isDirectory(mirror)) {
                Path staging = Files.createDirectories(mirrors).resolve(mirror.getFileName() + ".part");
                FileTrees.delete(staging);
                Git.cloneRepository()
                        .setURI(request.repository())
                        .setBare(true)
                        .setCloneAllBranches(true)
                        .setGitDir(staging.toFile())
                        .setDirectory(staging.toFile())
                        .call()
                        .close();
                // the mirror becomes visible only once complete
                try (Git git = Git.open(staging.toFile())) {
                    git.fetch()
                            .setRefSpecs(new RefSpec("+refs/tags/*:refs/tags/*"))
                            .call();
                }
                Files.move(staging, mirror, StandardCopyOption.ATOMIC_MOVE);
            } else {
                try (Git git = Git.open(mirror.toFile())) {
                    git.fetch()
                            .setRemote(request.repository())
                            .setRefSpecs(
                                    new RefSpec("+refs/heads/*:refs/heads/*"), new RefSpec("+refs/tags/*:refs/tags/*"))
                            .call();
                }
            }
            return mirror;
        } catch (GitAPIException | IOException e) {
            throw new BuildException("git-checkout " + request.repository() + ": cannot fetch: " + e.getMessage(), e);
        }
    }

    /**
     * Checks the requested revision out of the mirror into the directory {@code destination} of
     * {@code tree} (which may already hold other files) and returns the commit id checked out.
     * The clone is made outside the tree and copied in without following any link the build
     * left there.
     */
    public String checkout(Request request, ContainedTree tree, String destination) {
        Path mirror = prefetch(request);
        try (Git mirrorGit = Git.open(mirror.toFile())) {
            ObjectId commit = resolveAndVerify(mirrorGit.getRepository(), request);
            Path tmp = Files.createTempDirectory(Files.createDirectories(scratch), "checkout-");
            try {
                try (Git clone = Git.cloneRepository()
                        .setURI(mirror.toUri().toString())
                        .setDirectory(tmp.toFile())
                        .setCloneAllBranches(true)
                        .call()) {
                    // detached at the verified commit, as a tag or commit checkout leaves it
                    clone.checkout().setName(commit.getName()).call();
                }
                tree.copyTree(tmp, destination);
            } finally {
                FileTrees.delete(tmp);
            }
            return commit.getName();
        } catch (GitAPIException | IOException | ContentException e) {
            throw new BuildException("git-checkout " + request.repository() + ": " + e.getMessage(), e);
        }
    }

    private ObjectId resolveAndVerify(Repository repo, Request request) throws IOException {
        String refName = request.tag() != null
                ? "refs/tags/" + request.tag()
                : request.branch() != null ? "refs/heads/" + request.branch() : "HEAD";
        Ref ref = repo.exactRef(refName);
        if (ref == null) {
            throw new BuildException(
                    "git-checkout " + request.repository() + ": " + describe(request)
                            + " does not exist in the repository",
                    null);
        }
        ObjectId refTarget = ref.getObjectId();
        ObjectId commit;
        try (RevWalk walk = new RevWalk(repo)) {
            commit = walk.parseCommit(refTarget).getId();
        }
        String expected = request.expectedCommit();
        if (expected == null || expected.isEmpty()) {
            return commit;
        }
        if (expected.equals(commit.getName()) || expected.equals(refTarget.getName())) {
            return commit;
        }
        if (request.tag() == null) {
            // An expected commit behind the branch tip: check it out if it is an ancestor (melange resets to it).
            ObjectId wanted = repo.resolve(expected);
            if (wanted != null) {
                try (RevWalk walk = new RevWalk(repo)) {
                    RevCommit target = walk.parseCommit(wanted);
                    if (walk.isMergedInto(target, walk.parseCommit(commit))) {
                        return target.getId();
                    }
                } catch (IOException ignored) {
                    // not a commit: fall through to the mismatch error
                }
            }
        }
        throw new BuildException(
                "git-checkout " + request.repository() + ": expected-commit is " + expected
                        + " but " + describe(request) + " points to " + commit.getName()
                        + (refTarget.equals(commit) ? "" : " (tag object " + refTarget.getName() + ")"),
                null);
    }

    private boolean hasWhatIsNeeded(Path mirror, Request request) throws IOException {
        try (Git git = Git.open(mirror.toFile())) {
            Repository repo = git.getRepository();
            if (request.tag() != null && repo.exactRef("refs/tags/" + request.tag()) == null) {
                return false;
            }
            if (request.branch() != null && repo.exactRef("refs/heads/" + request.branch()) == null) {
                return false;
            }
            String expected = request.expectedCommit();
            return expected == null
                    || expected.isEmpty()
                    || repo.getObjectDatabase().has(ObjectId.fromString(expected));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The mirror's directory: the first 16 bytes of the URL's SHA-256, in hex. */
    private Path mirrorFor(String repository) {
        return mirrors.resolve(
                Hashing.sha256Hex(repository.getBytes(StandardCharsets.UTF_8)).substring(0, 32) + ".git");
    }

    private static String describe(Request r) {
        return r.tag() != null
                ? "tag " + r.tag()
                : r.branch() != null ? "branch " + r.branch() : "commit " + r.expectedCommit();
    }
}
