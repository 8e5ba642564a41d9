package dev.kiln.attest;

/** Base type of every failure in this module; the message names the document, field, expected and found. */
public class AttestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public AttestException(String message) {
        super(message);
    }

    public AttestException(String message, Throwable cause) {
        super(message, cause);
    }
}
