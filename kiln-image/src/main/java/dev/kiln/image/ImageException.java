package dev.kiln.image;

/** The one unchecked exception type of kiln-image; messages name the file (with line:col), field, expectation and finding. */
public class ImageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ImageException(String message) {
        super(message);
    }

    public ImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
