package dev.kiln.server.publish;

import org.jspecify.annotations.Nullable;

/** Packages could not be published to a repository in object storage; the message names the object and why. */
public final class PublishException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PublishException(String message) {
        super(message);
    }

    public PublishException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
