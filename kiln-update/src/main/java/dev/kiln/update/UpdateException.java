package dev.kiln.update;

import org.jspecify.annotations.Nullable;

/**
 * Everything that goes wrong in the update bot. {@code subject} names the recipe, repository or
 * URL concerned; {@code retryable} tells whether trying again later may succeed (a network
 * failure) or not (a patch that no longer applies).
 */
public class UpdateException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String subject;
    private final boolean retryable;
    private final String message;

    public UpdateException(String subject, String message, boolean retryable, @Nullable Throwable cause) {
        super(subject + ": " + message, cause);
        this.message = subject + ": " + message;
        this.subject = subject;
        this.retryable = retryable;
    }

    public UpdateException(String subject, String message) {
        this(subject, message, false, null);
    }

    /** {@code subject: message}, never null (a failed listing is told apart by its message). */
    @Override
    public String getMessage() {
        return message;
    }

    public String subject() {
        return subject;
    }

    public boolean retryable() {
        return retryable;
    }
}
