package dev.kiln.registry.internal.s3;

import dev.kiln.registry.RegistryException;
import org.jspecify.annotations.Nullable;

/** An S3 request failed for a reason other than a lost precondition; the message names the object and status. */
final class S3StorageException extends RegistryException {
    private static final long serialVersionUID = 1L;

    S3StorageException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
