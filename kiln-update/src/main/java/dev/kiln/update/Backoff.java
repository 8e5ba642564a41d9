package dev.kiln.update;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * Retries a network call with exponential backoff. The sleeper is injected so that tests can
 * count the waits instead of spending them.
 */
public record Backoff(int attempts, Duration first, Sleeper sleeper) {
    public static final Backoff DEFAULT = new Backoff(3, Duration.ofSeconds(1), Sleeper.REAL);

    /** Waits; {@link #REAL} really sleeps. */
    @FunctionalInterface
    public interface Sleeper {
        Sleeper REAL = d -> Thread.sleep(d.toMillis());

        void sleep(Duration d) throws InterruptedException;
    }

    /** Longest wait a server may ask for (Retry-After, rate-limit reset) before Kiln gives up on it. */
    public static final Duration MAX_SERVER_WAIT = Duration.ofMinutes(2);

    /**
     * A failure worth retrying (connection refused, HTTP 5xx or 429). {@code retryAfter} is the
     * wait the server asked for (a rate limit's reset time), used instead of the backoff step.
     */
    public static final class Transient extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient @Nullable Duration retryAfter;

        public Transient(String message, @Nullable Throwable cause) {
            this(message, cause, null);
        }

        public Transient(String message, @Nullable Throwable cause, @Nullable Duration retryAfter) {
            super(message, cause);
            this.retryAfter = retryAfter;
        }

        public @Nullable Duration retryAfter() {
            return retryAfter;
        }
    }

    public Backoff {
        attempts = Math.max(1, attempts);
    }

    /**
     * Runs {@code call}, retrying on {@link Transient}; any other exception ends at once.
     * @throws UpdateException after the last attempt, retryable, naming {@code subject}
     */
    public <T> T run(String subject, Callable<T> call) {
        Duration wait = first;
        @Nullable Exception last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                return call.call();
            } catch (Transient e) {
                last = e;
                if (attempt < attempts) {
                    Duration asked = e.retryAfter();
                    if (asked != null && asked.compareTo(MAX_SERVER_WAIT) > 0) {
                        throw new UpdateException(
                                subject,
                                e.getMessage() + "; the server asks to wait " + asked.toSeconds() + " s, longer than "
                                        + MAX_SERVER_WAIT.toSeconds() + " s",
                                true,
                                e);
                    }
                    try {
                        sleeper.sleep(asked != null ? asked : wait);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw new UpdateException(subject, "interrupted", true, ie);
                    }
                    wait = wait.multipliedBy(2);
                }
            } catch (UpdateException e) {
                throw e;
            } catch (Exception e) {
                throw new UpdateException(subject, e.getMessage() == null ? e.toString() : e.getMessage(), false, e);
            }
        }
        // attempts is at least 1 and every attempt returns, throws or sets last
        Exception failure = Objects.requireNonNull(last, "no attempt made");
        throw new UpdateException(
                subject, "failed after " + attempts + " attempts: " + failure.getMessage(), true, failure);
    }
}
