package dev.kiln.server.state;

import org.jspecify.annotations.Nullable;

/** The state database could not be opened, migrated, read or written; names the database and the operation. */
public class StateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StateException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
