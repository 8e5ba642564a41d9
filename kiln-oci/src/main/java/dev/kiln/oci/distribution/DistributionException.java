package dev.kiln.oci.distribution;

/**
 * A registry operation that failed: what was asked, the HTTP status and the spec error code when
 * the registry sent one. Credentials never appear in the message.
 */
public class DistributionException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String code;
    private final boolean retryable;

    public DistributionException(String message, int status, String code, boolean retryable, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
        this.retryable = retryable;
    }

    public DistributionException(String message, Throwable cause) {
        this(message, 0, null, true, cause);
    }

    /** HTTP status, 0 when no response arrived. */
    public int status() {
        return status;
    }

    /** The spec error code such as {@code MANIFEST_BLOB_UNKNOWN}, or null. */
    public String code() {
        return code;
    }

    public boolean retryable() {
        return retryable;
    }
}
