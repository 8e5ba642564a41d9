package dev.kiln.content;

import org.jspecify.annotations.Nullable;

/** Base type of every failure raised by kiln-content; the cause is always kept. */
public class ContentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ContentException(String message) {
        super(message);
    }

    public ContentException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
