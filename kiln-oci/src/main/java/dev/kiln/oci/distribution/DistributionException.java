package dev.kiln.oci.distribution;

import org.jspecify.annotations.Nullable;

/**
 * A registry operation that failed: what was asked, the HTTP status and the spec error code when
 * the registry sent one. Credentials never appear in the message.
 */
public class DistributionException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final @Nullable String code;
    private final boolean retryable;

    public DistributionException(
            String message, int status, @Nullable String code, boolean retryable, @Nullable Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
        this.retryable = retryable;
    }

    public DistributionException(String message, @Nullable Throwable cause) {
        this(message, 0, null, true, cause);
    }

    /** HTTP status, 0 when no response arrived. */
    public int status() {
        return status;
    }

    /** The spec error code such as {@code MANIFEST_BLOB_UNKNOWN}, or null. */
    public @Nullable String code() {
        return code;
    }

    public boolean retryable() {
        return retryable;
    }
}
