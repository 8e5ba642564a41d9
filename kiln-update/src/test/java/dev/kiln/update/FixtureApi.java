package dev.kiln.update;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GitHub-GraphQL- and release-monitoring-shaped API on 127.0.0.1, answering from maps the test
 * fills: {@code releases.put("org/repo", "[{tagName…}]")}, {@code projects.put(id, "[\"1.2\"]")}.
 */
final class FixtureApi implements AutoCloseable {
    private static final Pattern REPO =
            Pattern.compile("(r\\d+): repository\\(owner: \"([^\"]+)\", name: \"([^\"]+)\"\\) \\{ (refs|releases)");
    final Map<String, String> releases = new ConcurrentHashMap<>();
    final Map<String, String> tags = new ConcurrentHashMap<>();
    final Map<String, String> projects = new ConcurrentHashMap<>();
    final AtomicInteger failNext = new AtomicInteger();
    final AtomicInteger graphqlRequests = new AtomicInteger();
    volatile String lastAuthorization;
    private final HttpServer server;

    FixtureApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String body;
            int status = 200;
            if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                status = 502;
                body = "bad gateway";
            } else if (exchange.getRequestURI().getPath().equals("/graphql")) {
                graphqlRequests.incrementAndGet();
                lastAuthorization = exchange.getRequestHeaders().getFirst("Authorization");
                String query = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)
                        .replace("\\\"", "\"");
                StringBuilder data = new StringBuilder("{\"data\":{");
                StringBuilder errors = new StringBuilder();
                Matcher m = REPO.matcher(query);
                boolean first = true;
                while (m.find()) {
                    String repo = m.group(2) + "/" + m.group(3);
                    boolean refs = m.group(4).equals("refs");
                    String nodes = (refs ? tags : releases).get(repo);
                    data.append(first ? "" : ",").append('"').append(m.group(1)).append("\":");
                    first = false;
                    if (nodes == null) {
                        data.append("null");
                        errors.append(errors.length() == 0 ? "" : ",")
                                .append("{\"path\":[\"")
                                .append(m.group(1))
                                .append("\"],\"message\":\"Could not resolve to a Repository with the name '")
                                .append(repo)
                                .append("'.\"}");
                    } else {
                        data.append("{\"")
                                .append(refs ? "refs" : "releases")
                                .append("\":{\"nodes\":")
                                .append(nodes)
                                .append("}}");
                    }
                }
                data.append("}");
                if (errors.length() > 0) {
                    data.append(",\"errors\":[").append(errors).append("]");
                }
                body = data.append("}").toString();
            } else if (exchange.getRequestURI().getPath().equals("/api/v2/versions/")) {
                String id = exchange.getRequestURI().getQuery().replace("project_id=", "");
                String versions = projects.get(id);
                if (versions == null) {
                    status = 404;
                    body = "{\"error\":\"No project found\"}";
                } else {
                    body = "{\"latest_version\":null,\"versions\":" + versions + ",\"stable_versions\":" + versions
                            + "}";
                }
            } else {
                status = 404;
                body = "";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
            exchange.close();
        });
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
