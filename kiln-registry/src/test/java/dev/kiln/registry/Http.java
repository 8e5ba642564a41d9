package dev.kiln.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A raw HTTP view of a test registry, for checking exact statuses, headers and error codes. */
final class Http {
    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final String base;
    String authorization;

    Http(String base) {
        this.base = base;
    }

    Http basic(String user, String password) {
        Http h = new Http(base);
        h.authorization =
                "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return h;
    }

    HttpResponse<byte[]> send(String method, String path, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        path.startsWith("http") ? URI.create(path) : URI.create(base + path))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static String errorCode(HttpResponse<byte[]> r) {
        try {
            JsonNode n = JSON.readTree(r.body());
            return n.path("errors").path(0).path("code").asText();
        } catch (IOException e) {
            return "not json: " + new String(r.body(), StandardCharsets.UTF_8);
        }
    }

    static JsonNode json(HttpResponse<byte[]> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
