package dev.kiln.update.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.update.Backoff;
import dev.kiln.update.UpdateException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * JSON (and plain pages) over HTTP with the retry rules every monitor shares: 5xx, 429 and
 * exhausted rate limits are transient, any other status but 200 is a failure naming the URL.
 */
public final class JsonHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http;
    private final Backoff backoff;
    private final Clock clock;

    public JsonHttp(HttpClient http, Backoff backoff) {
        this(http, backoff, Clock.systemUTC());
    }

    /** {@code clock} dates a rate limit's reset time against now. */
    public JsonHttp(HttpClient http, Backoff backoff, Clock clock) {
        this.http = http;
        this.backoff = backoff;
        this.clock = clock;
    }

    public JsonNode get(String url, Map<String, String> headers) {
        return parse(url, send(url, headers, "application/json", null));
    }

    public JsonNode post(String url, Map<String, String> headers, Object body) {
        try {
            return parse(url, send(url, headers, "application/json", JSON.writeValueAsString(body)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The body of a page that is not JSON (a directory listing), fetched under the same rules. */
    public String getText(String url) {
        return send(url, Map.of(), null, null);
    }

    private static JsonNode parse(String url, String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UpdateException(url, "expected a JSON body: " + e.getMessage(), false, e);
        }
    }

    /** GET, or POST when {@code body} is not null; {@code accept} may be null for none. */
    private String send(String url, Map<String, String> headers, @Nullable String accept, @Nullable String body) {
        return backoff.run(url, () -> {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
            if (accept != null) {
                b.header("Accept", accept);
            }
            headers.forEach(b::header);
            if (body != null) {
                b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
            }
            HttpResponse<String> response;
            try {
                response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new Backoff.Transient(e.toString(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UpdateException(url, "interrupted", true, e);
            }
            int status = response.statusCode();
            boolean rateLimited = response.headers()
                    .firstValue("x-ratelimit-remaining")
                    .map("0"::equals)
                    .orElse(false);
            if (status >= 500 || status == 429 || (status == 403 && rateLimited)) {
                throw new Backoff.Transient(
                        "HTTP " + status + (rateLimited ? " (rate limit exhausted)" : ""),
                        null,
                        RateLimits.serverWait(response.headers(), clock.instant()));
            }
            if (status != 200) {
                throw new UpdateException(url, "HTTP " + status, false, null);
            }
            return response.body();
        });
    }
}
