package dev.kiln.update;

import dev.kiln.content.Parallel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.InvalidRemoteException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Ref;
import org.jspecify.annotations.Nullable;

/** Tags of a git repository over file, http or https ({@code git ls-remote --tags}). */
public final class GitTagMonitor implements UpstreamMonitor {
    private final Backoff backoff;

    public GitTagMonitor(Backoff backoff) {
        this.backoff = backoff;
    }

    @Override
    public MonitorConfig.Kind kind() {
        return MonitorConfig.Kind.GIT;
    }

    @Override
    public List<Listing> list(List<MonitorConfig> configs) {
        return Parallel.map(configs, Parallel.IN_FLIGHT, c -> {
            try {
                return new Listing(c, tags(c.target()), null);
            } catch (UpdateException e) {
                return Listing.failed(c, e.getMessage());
            }
        });
    }

    /** Every tag with its peeled commit (annotated tags are peeled, lightweight ones name the commit). */
    public List<UpstreamTag> tags(String repository) {
        Collection<Ref> refs = backoff.run(repository, () -> {
            try {
                return Git.lsRemoteRepository()
                        .setRemote(repository)
                        .setTags(true)
                        .setHeads(false)
                        .call();
            } catch (InvalidRemoteException e) {
                throw new UpdateException(repository, "not a git repository: " + e.getMessage(), false, e);
            } catch (TransportException e) {
                throw new Backoff.Transient("ls-remote failed: " + e.getMessage(), e);
            } catch (GitAPIException e) {
                throw new UpdateException(repository, "ls-remote failed: " + e.getMessage(), false, e);
            }
        });
        List<UpstreamTag> tags = new ArrayList<>();
        for (Ref ref : refs) {
            String name = ref.getName();
            if (!name.startsWith(Constants.R_TAGS) || name.endsWith("^{}")) {
                continue;
            }
            String commit = ref.getPeeledObjectId() != null
                    ? ref.getPeeledObjectId().getName()
                    : ref.getObjectId().getName();
            tags.add(new UpstreamTag(name.substring(Constants.R_TAGS.length()), commit));
        }
        return tags;
    }

    /** The commit a tag names (peeled), or null when the tag does not exist. */
    public @Nullable String commitOf(String repository, String tag) {
        return tags(repository).stream()
                .filter(t -> t.name().equals(tag))
                .map(UpstreamTag::commit)
                .findFirst()
                .orElse(null);
    }
}
