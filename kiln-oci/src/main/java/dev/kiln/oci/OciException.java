package dev.kiln.oci;

/** The one unchecked exception type of kiln-oci; messages name the object, field, expectation and what was found. */
public class OciException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OciException(String message) {
        super(message);
    }

    public OciException(String message, Throwable cause) {
        super(message, cause);
    }
}
