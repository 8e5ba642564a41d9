package dev.kiln.objects;

import org.jspecify.annotations.Nullable;

/**
 * Base type of every failure raised by kiln-objects: a location or setting that cannot be used, or an S3 request
 * that failed for a reason other than a lost precondition (the message names the object and the HTTP status).
 */
public class ObjectStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ObjectStoreException(String message) {
        super(message);
    }

    public ObjectStoreException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
