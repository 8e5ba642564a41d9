package dev.kiln.update.internal;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How long a server asks a client to wait: {@code Retry-After} in seconds, or GitHub's
 * {@code x-ratelimit-reset} (the epoch second when the quota refills) once the quota is spent.
 */
public final class RateLimits {
    private RateLimits() {}

    /** The requested wait, or null when the server asked for none. */
    public static @Nullable Duration serverWait(HttpHeaders headers, Instant now) {
        Optional<Long> retryAfter = headers.firstValue("retry-after").flatMap(RateLimits::seconds);
        if (retryAfter.isPresent()) {
            return Duration.ofSeconds(Math.max(0, retryAfter.get()));
        }
        boolean spent =
                headers.firstValue("x-ratelimit-remaining").map("0"::equals).orElse(false);
        Optional<Long> reset = headers.firstValue("x-ratelimit-reset").flatMap(RateLimits::seconds);
        if (spent && reset.isPresent()) {
            return Duration.ofSeconds(Math.max(0, reset.get() - now.getEpochSecond() + 1));
        }
        return null;
    }

    private static Optional<Long> seconds(String value) {
        try {
            return Optional.of(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
