package dev.kiln.sandbox;

/** Base type of every failure raised by this module; the message says what failed and what to do. */
public class SandboxException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SandboxException(String message) {
        super(message);
    }

    public SandboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
