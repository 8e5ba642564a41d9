package dev.kiln.image;

import org.jspecify.annotations.Nullable;

/** The one unchecked exception type of kiln-image; messages name the file (with line:col), field, expectation and finding. */
public class ImageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ImageException(String message) {
        super(message);
    }

    /** {@code message} may be null when it is a rethrown cause's, as Throwable allows. */
    public ImageException(@Nullable String message, Throwable cause) {
        super(message, cause);
    }
}
