package dev.kiln.build.source;

import dev.kiln.build.BuildException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Brings upstream source files into the {@link SourceCache} before any sandbox starts (the
 * sandbox has no network). A cache hit by checksum never touches the network, which is how
 * air-gapped machines build after {@code kiln source import}. A miss asks the {@link SharedSources} next (whose
 * bytes count only when they hash to the expected checksum), then the upstream; a verified download goes to the
 * shared store too.
 */
public final class SourceFetcher {
    private final SourceCache cache;
    private final HttpClient http;
    private final boolean offline;
    private final int attempts;
    private final Duration firstBackoff;
    private final SharedSources shared;

    public SourceFetcher(SourceCache cache, HttpClient http, boolean offline) {
        this(cache, http, offline, 3, Duration.ofMillis(500));
    }

    public SourceFetcher(SourceCache cache, HttpClient http, boolean offline, int attempts, Duration firstBackoff) {
        this(cache, http, offline, attempts, firstBackoff, SharedSources.NONE);
    }

    public SourceFetcher(
            SourceCache cache,
            HttpClient http,
            boolean offline,
            int attempts,
            Duration firstBackoff,
            SharedSources shared) {
        this.cache = cache;
        this.http = http;
        this.offline = offline;
        this.attempts = Math.max(1, attempts);
        this.firstBackoff = firstBackoff;
        this.shared = shared;
    }

    /** This fetcher, consulting {@code store} after its cache and sharing what it downloads there. */
    public SourceFetcher withShared(SharedSources store) {
        return new SourceFetcher(cache, http, offline, attempts, firstBackoff, store);
    }

    /**
     * Returns the cached file for {@code expected}, downloading {@code uri} first when it is not
     * cached. With no expected checksum (a recipe's {@code expected-none}) the file is always
     * downloaded.
     */
    public Path fetch(String uri, @Nullable SourceChecksum expected) {
        if (expected != null) {
            Optional<Path> hit = cache.find(expected);
            if (hit.isPresent()) {
                return hit.get();
            }
            Optional<Path> fromShared = fromShared(expected);
            if (fromShared.isPresent()) {
                return fromShared.get();
            }
        }
        if (offline) {
            throw new BuildException(
                    "fetch " + uri + ": not in the source cache (" + expected
                            + ") and the build is offline; add the file with 'kiln source import FILE'",
                    null);
        }
        SourceCache.Imported imported = downloadWithRetries(uri);
        if (expected != null) {
            SourceChecksum actual = expected.algorithm().equals("sha256") ? imported.sha256() : imported.sha512();
            if (!actual.equals(expected)) {
                throw new BuildException(
                        "fetch " + uri + ": checksum mismatch: expected-" + expected.algorithm() + " is "
                                + expected.hex() + " but the downloaded file has " + actual.hex(),
                        null);
            }
            shared.put(imported);
            return cache.find(expected).orElseThrow();
        }
        return imported.path();
    }

    /**
     * The file for {@code expected} from the shared store, hashed into the cache on the way; empty when the store
     * has none, or has bytes with another checksum (they stay in the cache under their own checksums, where
     * nothing asks for them, and the file is fetched from upstream as if the store had none).
     */
    private Optional<Path> fromShared(SourceChecksum expected) {
        Optional<InputStream> stored = shared.open(expected);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        SourceCache.Imported imported;
        try (InputStream in = stored.get()) {
            imported = cache.store(in);
        } catch (IOException e) {
            return Optional.empty();
        }
        SourceChecksum actual = expected.algorithm().equals("sha256") ? imported.sha256() : imported.sha512();
        return actual.equals(expected) ? cache.find(expected) : Optional.empty();
    }

    private SourceCache.Imported downloadWithRetries(String uri) {
        IOException last = null;
        Duration backoff = firstBackoff;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                return download(uri);
            } catch (PermanentFailure e) {
                throw new BuildException("fetch " + uri + ": " + e.getMessage(), e);
            } catch (IOException e) {
                last = e;
                if (attempt < attempts) {
                    sleep(backoff);
                    backoff = backoff.multipliedBy(2);
                }
            }
        }
        // attempts is at least 1, so the loop ran and failed at least once
        IOException failure = Objects.requireNonNull(last, "no download attempt was made");
        throw new BuildException(
                "fetch " + uri + ": failed after " + attempts + " attempts: " + failure.getMessage(), failure);
    }

    private SourceCache.Imported download(String uri) throws IOException {
        URI parsed = URI.create(uri);
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme();
        switch (scheme) {
            case "file" -> {
                try (InputStream in = Files.newInputStream(Path.of(parsed))) {
                    return cache.store(in);
                }
            }
            case "http", "https" -> {
                HttpRequest request = HttpRequest.newBuilder(parsed)
                        .timeout(Duration.ofMinutes(5))
                        .GET()
                        .build();
                HttpResponse<InputStream> response;
                try {
                    response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
                try (InputStream body = response.body()) {
                    int status = response.statusCode();
                    if (status == 404 || status == 410 || status == 401 || status == 403) {
                        throw new PermanentFailure("HTTP " + status);
                    }
                    if (status != 200) {
                        throw new IOException("HTTP " + status);
                    }
                    return cache.store(body);
                }
            }
            default ->
                throw new PermanentFailure("unsupported URI scheme '" + scheme + "' (expected http, https or file)");
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A failure that retrying cannot fix. */
    private static final class PermanentFailure extends IOException {
        private static final long serialVersionUID = 1L;

        PermanentFailure(String message) {
            super(message);
        }
    }
}
