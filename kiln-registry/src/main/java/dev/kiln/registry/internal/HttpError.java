package dev.kiln.registry.internal;

import org.jspecify.annotations.Nullable;

/**
 * A request the registry refuses, rendered as the spec's JSON error body. {@code detail} names the
 * offending digest, tag or field; it never carries credentials.
 */
public final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final ErrorCode code;
    private final @Nullable String detail;

    public HttpError(int status, ErrorCode code, @Nullable String message, @Nullable String detail) {
        super(message);
        this.status = status;
        this.code = code;
        this.detail = detail;
    }

    public HttpError(int status, ErrorCode code, String message) {
        this(status, code, message, null);
    }

    public int status() {
        return status;
    }

    public ErrorCode code() {
        return code;
    }

    public @Nullable String detail() {
        return detail;
    }
}
