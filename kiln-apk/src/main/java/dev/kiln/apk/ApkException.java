package dev.kiln.apk;

/** Base type of every failure raised by kiln-apk; messages name the file, field or key involved. */
public class ApkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ApkException(String message) {
        super(message);
    }

    public ApkException(String message, Throwable cause) {
        super(message, cause);
    }
}
