package dev.kiln.server.web;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.kiln.server.RecentEvents;
import dev.kiln.server.ReconcileEvent;
import dev.kiln.server.state.Records;
import dev.kiln.server.state.StateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;

/**
 * The web catalog: server-side HTML pages (catalog, image, package, activity) and, behind each, a
 * JSON API under {@code /api/} with the same values. Read-only; it serves what the state store
 * recorded, so it shows a run's progress while {@code kiln up} works. Build logs are served only
 * from under the log directory.
 */
public final class CatalogServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .registerModule(new SimpleModule().addSerializer(Instant.class, new JsonSerializer<>() {
                @Override
                public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider)
                        throws IOException {
                    gen.writeString(value.toString());
                }
            }));

    private final CatalogViews views;
    private final RecentEvents events;
    private final Path logDir;
    private final Clock clock;
    private final EventStream stream;
    // set by start(): a catalog server is constructed, then started once
    private @Nullable Server server;
    private @Nullable ServerConnector connector;

    /** {@code events} are the progress events to show on the activity page, as the terminal showed them. */
    public CatalogServer(StateStore state, RecentEvents events, Path logDir, Clock clock) {
        this.views = new CatalogViews(state);
        this.events = events;
        this.logDir = logDir.toAbsolutePath().normalize();
        this.clock = clock;
        this.stream = new EventStream(events, JSON);
    }

    /** Starts listening on {@code host:port} (port 0 picks a free one). */
    public CatalogServer start(String host, int port) {
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("kiln-web");
        threads.setDaemon(true);
        server = new Server(threads);
        connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            // blocking: pages read the state store and log files on the request thread
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                serve(request, response, callback);
                return true;
            }
        });
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot start the web catalog on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return this;
    }

    /** {@code http://host:port/}. */
    public String url() {
        ServerConnector listening = Objects.requireNonNull(connector, "url() is asked after start()");
        return "http://" + listening.getHost() + ":" + listening.getLocalPort() + "/";
    }

    @Override
    public void close() {
        stream.close();
        if (server != null) {
            try {
                server.stop();
            } catch (Exception e) {
                throw new IllegalStateException("cannot stop the web catalog: " + e.getMessage(), e);
            }
        }
    }

    private void serve(Request request, Response response, Callback callback) {
        try {
            if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
                send(response, callback, 405, "text/plain", "the catalog is read-only: GET or HEAD only\n");
                return;
            }
            String path = Request.getPathInContext(request);
            if (path.equals(EventStream.PATH)) {
                stream.serve(request, response, callback);
                return;
            }
            Fields query = Request.extractQueryParameters(request);
            Reply reply = route(path, query);
            if (reply == null) {
                send(response, callback, 404, "text/plain", "no such page: " + path + "\n");
                return;
            }
            if (reply.attachment() != null) {
                response.getHeaders()
                        .put(HttpHeader.CONTENT_DISPOSITION, "attachment; filename=\"" + reply.attachment() + "\"");
            }
            send(response, callback, 200, reply.contentType(), reply.body());
        } catch (CatalogViews.BadRequest e) {
            send(response, callback, 400, "text/plain", e.getMessage() + "\n");
        } catch (RuntimeException e) {
            send(response, callback, 500, "text/plain", "the catalog failed: " + e.getMessage() + "\n");
        }
    }

    private record Reply(
            String contentType, String body, @Nullable String attachment) {
        static Reply html(String body) {
            return new Reply("text/html; charset=utf-8", body, null);
        }

        static Reply json(Object value) {
            try {
                return new Reply("application/json", JSON.writeValueAsString(value) + "\n", null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The page or API answer at {@code path}; null for not found. */
    private @Nullable Reply route(String path, Fields query) {
        Instant now = clock.instant();
        String[] parts = path.split("/", -1);
        String first = parts.length > 1 ? parts[1] : "";
        boolean api = first.equals("api");
        String[] rest = api ? java.util.Arrays.copyOfRange(parts, 1, parts.length) : parts;
        String kind = rest.length > 1 ? rest[1] : "";
        String name = rest.length > 2 ? URLDecoder.decode(rest[2], StandardCharsets.UTF_8) : null;
        String tail = rest.length > 3 ? rest[3] : null;
        switch (kind) {
            case "" -> {
                if (rest.length > 2 && !rest[2].isEmpty()) {
                    return null;
                }
                CatalogViews.Catalog c = views.catalog(query.getValue("q"), query.getValue("sort"));
                return api
                        ? Reply.json(c)
                        : Reply.html(Pages.catalog(c, CatalogViews.pageNumber(query.getValue("page")), now));
            }
            case "images" -> {
                if (name == null || name.isEmpty()) {
                    CatalogViews.Catalog c = views.catalog(query.getValue("q"), query.getValue("sort"));
                    return api
                            ? Reply.json(c.images())
                            : Reply.html(Pages.catalog(c, CatalogViews.pageNumber(query.getValue("page")), now));
                }
                if (tail != null) {
                    String docKind = tail.equals("sbom.spdx.json")
                            ? Records.Document.SPDX
                            : tail.equals("provenance.json") ? Records.Document.PROVENANCE : null;
                    Records.Document d = docKind == null ? null : views.document(name, docKind);
                    return d == null ? null : new Reply(d.mediaType(), d.content(), name + "." + tail);
                }
                CatalogViews.Image v = views.image(name);
                return v == null ? null : api ? Reply.json(v) : Reply.html(Pages.image(v, now));
            }
            case "packages" -> {
                CatalogViews.PackageView v = name == null ? null : views.packageView(name);
                return v == null ? null : api ? Reply.json(v) : Reply.html(Pages.packagePage(v));
            }
            case "activity", "runs" -> {
                if (name != null && !name.isEmpty()) {
                    if (!api) {
                        return null;
                    }
                    CatalogViews.Run run = views.run(number(name));
                    return run == null ? null : Reply.json(run);
                }
                return api
                        ? Reply.json(views.activity())
                        : Reply.html(Pages.activity(views.activity(), events.snapshot()));
            }
            case "events" -> {
                return api
                        ? Reply.json(events.snapshot().stream()
                                .map(ReconcileEvent::fields)
                                .toList())
                        : null;
            }
            case "builds" -> {
                Records.Build build = name == null ? null : views.build(number(name));
                if (build == null) {
                    return null;
                }
                if ("log".equals(tail)) {
                    String log = log(build);
                    return log == null ? null : new Reply("text/plain; charset=utf-8", log, null);
                }
                return api ? Reply.json(build) : null;
            }
            default -> {
                return null;
            }
        }
    }

    /** The build's log when it lies under the log directory (a record is data, not a licence to read any file). */
    private @Nullable String log(Records.Build build) {
        String logPath = build.logPath();
        if (logPath == null) {
            return null;
        }
        Path file = Path.of(logPath).toAbsolutePath().normalize();
        if (!file.startsWith(logDir) || !Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read build log " + file, e);
        }
    }

    private static long number(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new CatalogViews.BadRequest("expected a number, got '" + s + "'");
        }
    }

    private static void send(Response response, Callback callback, int status, String contentType, String body) {
        response.setStatus(status);
        response.getHeaders()
                .put(
                        HttpHeader.CONTENT_TYPE,
                        contentType.contains("charset") || !contentType.startsWith("text")
                                ? contentType
                                : contentType + "; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }
}
