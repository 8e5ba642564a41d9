package dev.kiln.recipe;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@code uses: git-checkout}, compiled to a native clone. {@code depth} null means the default. */
public record GitCheckoutStep(
        String label,
        String repository,
        String destination,
        @Nullable String branch,
        @Nullable String tag,
        @Nullable String expectedCommit,
        @Nullable Integer depth,
        List<String> cherryPicks,
        boolean recurseSubmodules,
        String workingDirectory)
        implements Step, Source {
    public GitCheckoutStep {
        cherryPicks = List.copyOf(cherryPicks);
    }
}
