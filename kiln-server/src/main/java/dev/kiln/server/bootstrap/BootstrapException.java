package dev.kiln.server.bootstrap;

/** A bootstrap that cannot go on: a bad plan (file, line, column, what was expected) or a stage that failed. */
public class BootstrapException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BootstrapException(String message) {
        super(message);
    }

    public BootstrapException(String message, Throwable cause) {
        super(message, cause);
    }
}
