package dev.kiln.build;

/**
 * Base type of every failure of the package builder. {@link #step()} names the pipeline step
 * or phase that failed so the CLI can render "recipe hello.yaml: pipeline[2] uses autoconf/make: …".
 */
public class BuildException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String step;

    public BuildException(String message) {
        this(null, message, null);
    }

    public BuildException(String message, Throwable cause) {
        this(null, message, cause);
    }

    public BuildException(String step, String message, Throwable cause) {
        super(step == null ? message : step + ": " + message, cause);
        this.step = step;
    }

    /** The step or phase that failed, or null when the failure is not tied to one. */
    public String step() {
        return step;
    }
}
