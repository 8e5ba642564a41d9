package dev.kiln.sandbox;

/** The host cannot run sandboxes at all (no bubblewrap, no user namespaces); the message has the fix. */
public final class SandboxUnavailableException extends SandboxException {

    private static final long serialVersionUID = 1L;

    public SandboxUnavailableException(String message) {
        super(message);
    }

    public SandboxUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
