package dev.kiln.build;

import dev.kiln.sandbox.ExecResult;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** The one deadline every step and test of a build shares, and the words for each way past it. */
final class BuildDeadline {
    private final Duration timeout;
    private final String source;
    private final long deadlineNanos;

    private BuildDeadline(Duration timeout, String source) {
        this.timeout = timeout;
        this.source = source;
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    }

    /** Starts the clock: the recipe's {@code package.timeout} when it has one, else the default. */
    static BuildDeadline start(@Nullable Duration recipeTimeout, BuildLimits limits) {
        return recipeTimeout != null
                ? new BuildDeadline(recipeTimeout, "package.timeout")
                : new BuildDeadline(
                        limits.defaultTimeout(), "the default build timeout; set package.timeout to change it");
    }

    /** Time left for the next step; throws when none is. */
    Duration remaining(String step) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            throw new BuildException(step, exceeded(), null);
        }
        return Duration.ofNanos(left);
    }

    String exceeded() {
        return "the build exceeded its timeout of " + human(timeout) + " (" + source + ") in this step;"
                + " every process of the sandbox was killed";
    }

    /** Why the sandbox stopped {@code result}, or null when it exited by itself. */
    @Nullable
    String killedBecause(ExecResult result, BuildLimits limits) {
        return switch (result.termination()) {
            case EXITED -> null;
            case TIMED_OUT -> exceeded();
            case WORKSPACE_LIMIT ->
                "the workspace grew past its limit of " + limits.sandbox().maxWorkspaceBytes()
                        + " bytes (--max-workspace-size); every process of the sandbox was killed";
        };
    }

    private static String human(Duration d) {
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }
}
