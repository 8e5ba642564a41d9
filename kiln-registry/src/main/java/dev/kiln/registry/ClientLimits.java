package dev.kiln.registry;

import java.time.Duration;

/**
 * What one client may hold of the registry, so that slow or hostile clients cannot starve others.
 * Request bodies (blob uploads, manifest pushes) are read by blocking server threads; these limits
 * keep such threads a bounded share of the pool, so pulls and pings always find one.
 *
 * @param maxBodies               requests with a body (POST, PUT, PATCH) handled at once; more wait,
 *                                without a thread, up to {@code idleTimeout}, then get 429
 * @param maxBodiesPerClient      requests with a body one client address may have open at once; more get 429
 * @param minBodyBytesPerSecond   a body that arrives slower than this on average is cut off with 408; 0 turns it off
 * @param idleTimeout             a connection (and so a request body) that sends nothing for this long is closed
 * @param failedLoginsPerMinute   wrong passwords one client address may try per minute before 429; 0 turns it off
 */
public record ClientLimits(
        int maxBodies,
        int maxBodiesPerClient,
        long minBodyBytesPerSecond,
        Duration idleTimeout,
        int failedLoginsPerMinute) {
    /**
     * The server's thread pool; {@link #maxBodies} must leave room in it for reads. Jetty also keeps a few
     * threads for accepting and selecting.
     */
    public static final int SERVER_THREADS = 256;

    public ClientLimits {
        if (maxBodies < 1 || maxBodies > SERVER_THREADS / 2) {
            throw new RegistryException("maximum concurrent request bodies must be 1.." + SERVER_THREADS / 2
                    + " (half of the server's threads stay for reads), got " + maxBodies);
        }
        if (maxBodiesPerClient < 1) {
            throw new RegistryException(
                    "maximum concurrent request bodies per client must be at least 1, got " + maxBodiesPerClient);
        }
        if (minBodyBytesPerSecond < 0) {
            throw new RegistryException("minimum body rate must be >= 0 bytes/s, got " + minBodyBytesPerSecond);
        }
        if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new RegistryException("idle timeout must be positive, got " + idleTimeout);
        }
        if (failedLoginsPerMinute < 0) {
            throw new RegistryException("failed logins per minute must be >= 0, got " + failedLoginsPerMinute);
        }
    }

    /** 64 bodies at once, 16 per client, at least 1 KiB/s, 30 s idle, 10 failed logins a minute. */
    public static ClientLimits defaults() {
        return new ClientLimits(64, 16, 1024, Duration.ofSeconds(30), 10);
    }

    public ClientLimits withMaxBodies(int n) {
        return new ClientLimits(n, maxBodiesPerClient, minBodyBytesPerSecond, idleTimeout, failedLoginsPerMinute);
    }

    public ClientLimits withMaxBodiesPerClient(int n) {
        return new ClientLimits(maxBodies, n, minBodyBytesPerSecond, idleTimeout, failedLoginsPerMinute);
    }

    public ClientLimits withMinBodyBytesPerSecond(long rate) {
        return new ClientLimits(maxBodies, maxBodiesPerClient, rate, idleTimeout, failedLoginsPerMinute);
    }

    public ClientLimits withIdleTimeout(Duration timeout) {
        return new ClientLimits(maxBodies, maxBodiesPerClient, minBodyBytesPerSecond, timeout, failedLoginsPerMinute);
    }

    public ClientLimits withFailedLoginsPerMinute(int n) {
        return new ClientLimits(maxBodies, maxBodiesPerClient, minBodyBytesPerSecond, idleTimeout, n);
    }
}
