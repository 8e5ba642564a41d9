package dev.kiln.registry;

import dev.kiln.objects.S3Location;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link RegistryServer} runs. Without {@code htpasswd} the registry is open to everyone
 * (a developer's loopback); with it, {@code access} decides who may pull, push and delete.
 *
 * @param host           interface to listen on, e.g. {@code 127.0.0.1}
 * @param port           0 picks a free port
 * @param gcInterval     null disables online garbage collection
 * @param gcGrace        unreferenced blobs younger than this survive a collection (uploads of a push in progress)
 * @param limits         protections against slow or abusive clients
 * @param metricsPublic  serve {@code /metrics} without a login even when {@code htpasswd} is set
 * @param root           storage folder; null when {@code s3} is set
 * @param s3             S3 storage instead of a folder; its endpoint, region and credentials come from
 *                       {@code environment} (AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, ...)
 * @param redirectPulls  when set and the storage can sign URLs, blob GETs answer 307 with a URL valid
 *                       this long, so clients fetch blob bytes from the store directly; null serves them
 */
public record RegistryConfig(
        String host,
        int port,
        @Nullable Path root,
        @Nullable Path htpasswd,
        AccessPolicy access,
        @Nullable Path tlsCert,
        @Nullable Path tlsKey,
        int maxManifestBytes,
        long maxBlobBytes,
        boolean deleteEnabled,
        @Nullable Duration gcInterval,
        Duration gcGrace,
        Duration uploadExpiry,
        Duration tokenLifetime,
        String service,
        Clock clock,
        ClientLimits limits,
        boolean metricsPublic,
        @Nullable S3Location s3,
        Map<String, String> environment,
        @Nullable Duration redirectPulls) {

    public RegistryConfig {
        if (limits == null) {
            throw new RegistryException("client limits are required (ClientLimits.defaults())");
        }
        if ((root == null) == (s3 == null)) {
            throw new RegistryException("registry storage is either a folder or an S3 location, got "
                    + (root == null ? "neither" : "both " + root + " and " + s3));
        }
        environment = Map.copyOf(environment);
        if (redirectPulls != null && (redirectPulls.isNegative() || redirectPulls.isZero())) {
            throw new RegistryException("pull redirect lifetime must be positive, got " + redirectPulls);
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new RegistryException("TLS needs both a certificate and a key, got only the "
                    + (tlsCert == null ? "key" : "certificate"));
        }
        if (port < 0 || port > 65535) {
            throw new RegistryException("port must be 0..65535, got " + port);
        }
    }

    public static Builder builder(Path root) {
        return new Builder(root, null);
    }

    /** A registry over S3; {@code environment} holds the AWS settings (usually {@code System.getenv()}). */
    public static Builder builder(S3Location s3, Map<String, String> environment) {
        return new Builder(null, s3).environment(environment);
    }

    public Builder toBuilder() {
        Builder b = new Builder(root, s3);
        b.environment = environment;
        b.redirectPulls = redirectPulls;
        b.host = host;
        b.port = port;
        b.htpasswd = htpasswd;
        b.access = access;
        b.tlsCert = tlsCert;
        b.tlsKey = tlsKey;
        b.maxManifestBytes = maxManifestBytes;
        b.maxBlobBytes = maxBlobBytes;
        b.deleteEnabled = deleteEnabled;
        b.gcInterval = gcInterval;
        b.gcGrace = gcGrace;
        b.uploadExpiry = uploadExpiry;
        b.tokenLifetime = tokenLifetime;
        b.service = service;
        b.clock = clock;
        b.limits = limits;
        b.metricsPublic = metricsPublic;
        return b;
    }

    /** Parses {@code HOST:PORT} (IPv6 in brackets) into host and port. */
    public static String[] splitAddress(String addr) {
        int colon = addr.lastIndexOf(':');
        if (colon <= 0) {
            throw new RegistryException("address must be HOST:PORT, got '" + addr + "'");
        }
        String host = addr.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new String[] {host, addr.substring(colon + 1)};
    }

    public static final class Builder {
        private @Nullable final Path root;
        private @Nullable final S3Location s3;
        private Map<String, String> environment = Map.of();
        private @Nullable Duration redirectPulls;
        private String host = "127.0.0.1";
        private int port;
        private @Nullable Path htpasswd;
        private AccessPolicy access = AccessPolicy.publicRead();
        private @Nullable Path tlsCert;
        private @Nullable Path tlsKey;
        private int maxManifestBytes = 4 << 20;
        private long maxBlobBytes = Long.MAX_VALUE;
        private boolean deleteEnabled = true;
        private @Nullable Duration gcInterval;
        private Duration gcGrace = Duration.ofHours(1);
        private Duration uploadExpiry = Duration.ofHours(24);
        private Duration tokenLifetime = Duration.ofMinutes(5);
        private String service = "kiln-registry";
        private Clock clock = Clock.systemUTC();
        private ClientLimits limits = ClientLimits.defaults();
        private boolean metricsPublic;

        private Builder(@Nullable Path root, @Nullable S3Location s3) {
            this.root = root;
            this.s3 = s3;
        }

        public Builder environment(Map<String, String> environment) {
            this.environment = environment;
            return this;
        }

        public Builder redirectPulls(@Nullable Duration lifetime) {
            this.redirectPulls = lifetime;
            return this;
        }

        public Builder addr(String addr) {
            String[] parts = splitAddress(addr);
            this.host = parts[0];
            try {
                this.port = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new RegistryException("port in address '" + addr + "' is not a number", e);
            }
            return this;
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder htpasswd(@Nullable Path htpasswd) {
            this.htpasswd = htpasswd;
            return this;
        }

        public Builder access(AccessPolicy access) {
            this.access = access;
            return this;
        }

        public Builder tls(@Nullable Path cert, @Nullable Path key) {
            this.tlsCert = cert;
            this.tlsKey = key;
            return this;
        }

        public Builder maxManifestBytes(int max) {
            this.maxManifestBytes = max;
            return this;
        }

        public Builder maxBlobBytes(long max) {
            this.maxBlobBytes = max;
            return this;
        }

        public Builder deleteEnabled(boolean enabled) {
            this.deleteEnabled = enabled;
            return this;
        }

        public Builder gcInterval(@Nullable Duration interval) {
            this.gcInterval = interval;
            return this;
        }

        public Builder gcGrace(Duration grace) {
            this.gcGrace = grace;
            return this;
        }

        public Builder uploadExpiry(Duration expiry) {
            this.uploadExpiry = expiry;
            return this;
        }

        public Builder tokenLifetime(Duration lifetime) {
            this.tokenLifetime = lifetime;
            return this;
        }

        public Builder service(String service) {
            this.service = service;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder limits(ClientLimits limits) {
            this.limits = limits;
            return this;
        }

        public Builder metricsPublic(boolean metricsPublic) {
            this.metricsPublic = metricsPublic;
            return this;
        }

        public RegistryConfig build() {
            return new RegistryConfig(
                    host,
                    port,
                    root,
                    htpasswd,
                    access,
                    tlsCert,
                    tlsKey,
                    maxManifestBytes,
                    maxBlobBytes,
                    deleteEnabled,
                    gcInterval,
                    gcGrace,
                    uploadExpiry,
                    tokenLifetime,
                    service,
                    clock,
                    limits,
                    metricsPublic,
                    s3,
                    environment,
                    redirectPulls);
        }
    }
}
