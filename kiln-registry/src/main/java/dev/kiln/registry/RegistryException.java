package dev.kiln.registry;

import org.jspecify.annotations.Nullable;

/** Base type of every failure raised by kiln-registry outside an HTTP exchange; the cause is always kept. */
public class RegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RegistryException(String message) {
        super(message);
    }

    public RegistryException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
