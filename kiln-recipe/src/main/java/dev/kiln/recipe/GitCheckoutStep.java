package dev.kiln.recipe;

import java.util.List;

/** {@code uses: git-checkout}, compiled to a native clone. {@code depth} null means the default. */
public record GitCheckoutStep(
        String label,
        String repository,
        String destination,
        String branch,
        String tag,
        String expectedCommit,
        Integer depth,
        List<String> cherryPicks,
        boolean recurseSubmodules,
        String workingDirectory)
        implements Step, Source {
    public GitCheckoutStep {
        cherryPicks = List.copyOf(cherryPicks);
    }
}
