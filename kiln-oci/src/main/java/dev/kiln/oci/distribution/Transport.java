package dev.kiln.oci.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.oci.internal.OciJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Sends requests to one registry host with authentication (Docker's bearer token flow, or Basic)
 * and retries with exponential backoff on connection errors, 5xx and 429.
 */
final class Transport {
    /** The module's one mapper: building another costs start-up time for nothing. */
    static final ObjectMapper JSON = OciJson.MAPPER;

    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final int ATTEMPTS = 4;

    private final HttpClient http;
    private final @Nullable Credentials credentials;
    private final Predicate<String> plainHttp;
    /** Authorization header per registry and scope. */
    private final Map<String, String> authorizations = new ConcurrentHashMap<>();

    Transport(HttpClient http, @Nullable Credentials credentials, Predicate<String> plainHttp) {
        this.http = http;
        this.credentials = credentials;
        this.plainHttp = plainHttp;
    }

    URI base(String registry) {
        return URI.create((plainHttp.test(registry) ? "http://" : "https://") + registry);
    }

    /**
     * Sends a request built fresh for every attempt (bodies are re-opened), authenticating on a
     * 401 challenge. {@code scope} is e.g. {@code repository:app:pull,push}.
     */
    <T> HttpResponse<T> send(
            String registry,
            String scope,
            Supplier<HttpRequest.Builder> request,
            HttpResponse.BodyHandler<T> handler,
            String what) {
        String key = registry + " " + scope;
        boolean authenticated = false;
        IOException lastIo = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (attempt > 0) {
                backoff(attempt);
            }
            HttpRequest.Builder builder = request.get();
            String authorization = authorizations.get(key);
            if (authorization != null) {
                builder.header("Authorization", authorization);
            }
            HttpResponse<T> response;
            try {
                response = http.send(builder.build(), handler);
            } catch (IOException e) {
                lastIo = e;
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DistributionException(what + ": interrupted", e);
            }
            int status = response.statusCode();
            if (status == 401 && !authenticated) {
                String challenge =
                        response.headers().firstValue("WWW-Authenticate").orElse("");
                discard(response);
                authorizations.put(key, authorize(registry, scope, challenge, what));
                authenticated = true;
                attempt--;
                continue;
            }
            if ((status >= 500 || status == 429) && attempt + 1 < ATTEMPTS) {
                discard(response);
                continue;
            }
            return response;
        }
        throw new DistributionException(
                what + ": no answer from " + registry + " after " + ATTEMPTS + " attempts: "
                        + (lastIo == null ? "server errors" : lastIo),
                lastIo);
    }

    private String authorize(String registry, String scope, String challenge, String what) {
        if (challenge.regionMatches(true, 0, "Basic", 0, 5)) {
            if (credentials == null) {
                throw new DistributionException(
                        what + ": " + registry + " needs credentials and none were given",
                        401,
                        "UNAUTHORIZED",
                        false,
                        null);
            }
            return basic(credentials);
        }
        if (!challenge.regionMatches(true, 0, "Bearer", 0, 6)) {
            throw new DistributionException(
                    what + ": " + registry + " sent 401 without a usable challenge", 401, "UNAUTHORIZED", false, null);
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1), m.group(2));
        }
        String realm = params.get("realm");
        if (realm == null) {
            throw new DistributionException(
                    what + ": bearer challenge from " + registry + " has no realm", 401, "UNAUTHORIZED", false, null);
        }
        StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? '&' : '?');
        if (params.containsKey("service")) {
            url.append("service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8));
        }
        for (String s : scope.split(" ")) {
            url.append("&scope=").append(URLEncoder.encode(s, StandardCharsets.UTF_8));
        }
        HttpRequest.Builder token =
                HttpRequest.newBuilder(URI.create(url.toString())).GET();
        if (credentials != null) {
            token.header("Authorization", basic(credentials));
        }
        try {
            HttpResponse<byte[]> response = http.send(token.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new DistributionException(
                        what + ": token service " + realm + " answered " + response.statusCode()
                                + (credentials == null
                                        ? " (no credentials given)"
                                        : " for user " + credentials.username()),
                        response.statusCode(),
                        "UNAUTHORIZED",
                        false,
                        null);
            }
            JsonNode body = JSON.readTree(response.body());
            String value = body.hasNonNull("token")
                    ? body.get("token").asText()
                    : body.path("access_token").asText(null);
            if (value == null) {
                throw new DistributionException(
                        what + ": token service " + realm + " returned no token", 401, "UNAUTHORIZED", false, null);
            }
            return "Bearer " + value;
        } catch (IOException e) {
            throw new DistributionException(what + ": cannot reach token service " + realm + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DistributionException(what + ": interrupted", e);
        }
    }

    private static String basic(Credentials given) {
        return "Basic "
                + Base64.getEncoder()
                        .encodeToString((given.username() + ":" + given.password()).getBytes(StandardCharsets.UTF_8));
    }

    /** Turns a non-success response into an exception naming the spec error code. */
    static DistributionException failure(String what, HttpResponse<?> response) {
        String code = null;
        String message = null;
        Object body = response.body();
        try {
            byte[] bytes =
                    body instanceof byte[] b ? b : body instanceof InputStream in ? in.readNBytes(64 * 1024) : null;
            if (bytes != null && bytes.length > 0) {
                JsonNode error = JSON.readTree(bytes).path("errors").path(0);
                code = error.path("code").asText(null);
                message = error.path("message").asText(null);
            }
        } catch (IOException e) {
            // not a JSON error body; the status says enough
        }
        int status = response.statusCode();
        return new DistributionException(
                what + ": HTTP " + status + (code != null ? " " + code : "") + (message != null ? ": " + message : ""),
                status,
                code,
                status >= 500 || status == 429,
                null);
    }

    static void discard(HttpResponse<?> response) {
        if (response.body() instanceof InputStream in) {
            try {
                in.close();
            } catch (IOException ignored) {
                // nothing left to read
            }
        }
    }

    private static void backoff(int attempt) {
        try {
            Thread.sleep(Duration.ofMillis(100L << Math.min(attempt, 6)).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DistributionException("interrupted while waiting to retry", e);
        }
    }
}
