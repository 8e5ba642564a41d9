package dev.kiln.registry.internal;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Limits failed logins per client address with a token bucket: {@code perMinute} attempts at once,
 * then one more every {@code 60 / perMinute} seconds. Each failed login costs the server a bcrypt
 * verification, so without a limit a single client could keep its CPUs busy guessing passwords.
 * An attempt takes a token before the password is checked and gives it back when the password is
 * right, so parallel guesses cannot overdraw the bucket.
 */
public final class LoginThrottle {
    /** Past this many tracked addresses, buckets that have refilled completely are forgotten. */
    private static final int MAX_TRACKED = 10_000;

    private final int perMinute;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** @param perMinute failed logins an address may make per minute; 0 turns the limit off */
    public LoginThrottle(int perMinute, Clock clock) {
        if (perMinute < 0) {
            throw new IllegalArgumentException("failed logins per minute must be >= 0, got " + perMinute);
        }
        this.perMinute = perMinute;
        this.clock = clock;
    }

    /**
     * Takes a token for one login attempt from {@code address}; returns 0 when the attempt may go ahead,
     * else the seconds until it may (the Retry-After value), without taking anything.
     */
    public long acquire(String address) {
        if (perMinute == 0) {
            return 0;
        }
        long now = clock.millis();
        if (buckets.size() >= MAX_TRACKED) {
            buckets.values().removeIf(b -> b.isFull(now));
        }
        Bucket bucket = buckets.computeIfAbsent(address, a -> new Bucket(perMinute, now));
        return bucket.take(now);
    }

    /** Gives back the token of an attempt whose password was right: only failures count. */
    public void succeeded(String address) {
        if (perMinute == 0) {
            return;
        }
        Bucket bucket = buckets.get(address);
        if (bucket != null) {
            bucket.refund(clock.millis());
        }
    }

    private static final class Bucket {
        private final int capacity;
        private double tokens;
        private long updated;

        Bucket(int capacity, long now) {
            this.capacity = capacity;
            this.tokens = capacity;
            this.updated = now;
        }

        synchronized long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            double seconds = (1 - tokens) * 60.0 / capacity;
            return Math.max(1, (long) Math.ceil(seconds));
        }

        synchronized void refund(long now) {
            refill(now);
            tokens = Math.min(capacity, tokens + 1);
        }

        synchronized boolean isFull(long now) {
            refill(now);
            return tokens >= capacity;
        }

        private void refill(long now) {
            if (now > updated) {
                tokens = Math.min(capacity, tokens + (now - updated) * capacity / 60_000.0);
                updated = now;
            }
        }
    }
}
