package dev.kiln.apk;

/**
 * A world that cannot be resolved; the message starts with the chain of names that led to the
 * failing atom ({@code hello → so:libc.so.7: no package provides it …}).
 */
public class ResolveException extends ApkException {
    private static final long serialVersionUID = 1L;

    public ResolveException(String message) {
        super(message);
    }
}
