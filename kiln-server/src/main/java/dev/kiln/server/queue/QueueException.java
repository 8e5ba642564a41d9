package dev.kiln.server.queue;

/** A build queue or output store problem, with the job or key it concerns in the message. */
public final class QueueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public QueueException(String message, Throwable cause) {
        super(message, cause);
    }

    public QueueException(String message) {
        super(message);
    }
}
