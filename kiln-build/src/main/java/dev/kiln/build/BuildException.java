package dev.kiln.build;

import org.jspecify.annotations.Nullable;

/**
 * Base type of every failure of the package builder. {@link #step()} names the pipeline step
 * or phase that failed so the CLI can render "recipe hello.yaml: pipeline[2] uses autoconf/make: …".
 */
public class BuildException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final @Nullable String step;

    public BuildException(String message) {
        this(null, message, null);
    }

    public BuildException(String message, @Nullable Throwable cause) {
        this(null, message, cause);
    }

    public BuildException(@Nullable String step, @Nullable String message, @Nullable Throwable cause) {
        super(step == null ? message : step + ": " + message, cause);
        this.step = step;
    }

    /** The step or phase that failed, or null when the failure is not tied to one. */
    public @Nullable String step() {
        return step;
    }
}
