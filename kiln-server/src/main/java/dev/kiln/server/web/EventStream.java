package dev.kiln.server.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.server.RecentEvents;
import dev.kiln.server.ReconcileEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/events/stream}: the reconciler's progress events as server-sent events
 * (text/event-stream, WHATWG HTML §9.2), live while {@code kiln up} works. Each is an unnamed
 * ({@code message}) event whose {@code data:} is one JSON object: its fields as {@code --json} prints them,
 * {@code event} naming the kind, plus {@code text}, the terminal line. A comment line every few seconds finds readers that went away.
 * Each stream holds one server thread, so their number is capped.
 */
final class EventStream implements AutoCloseable {
    static final String PATH = "/api/events/stream";
    static final int MAX_STREAMS = 8;
    private static final long HEARTBEAT_MILLIS = 10_000;
    private static final long POLL_MILLIS = 500;

    private final RecentEvents events;
    private final ObjectMapper json;
    private final AtomicInteger open = new AtomicInteger();
    private volatile boolean closed;

    EventStream(RecentEvents events, ObjectMapper json) {
        this.events = events;
        this.json = json;
    }

    void serve(Request request, Response response, Callback callback) {
        if (open.incrementAndGet() > MAX_STREAMS) {
            open.decrementAndGet();
            response.setStatus(503);
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "10");
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.write(
                    true,
                    ByteBuffer.wrap(("at most " + MAX_STREAMS + " event streams at once; retry later\n")
                            .getBytes(StandardCharsets.UTF_8)),
                    callback);
            return;
        }
        try (RecentEvents.Subscription subscription = events.subscribe()) {
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            // the browser's EventSource reconnects after this many milliseconds when the stream ends
            write(response, "retry: 3000\n\n");
            long lastWrite = System.nanoTime();
            long id = 0;
            while (!closed && !subscription.isClosed()) {
                ReconcileEvent event = subscription.next(POLL_MILLIS);
                if (event != null) {
                    write(response, frame(++id, event));
                    lastWrite = System.nanoTime();
                } else if (System.nanoTime() - lastWrite > HEARTBEAT_MILLIS * 1_000_000) {
                    write(response, ": still here\n\n");
                    lastWrite = System.nanoTime();
                }
            }
            response.write(true, ByteBuffer.allocate(0), callback);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            callback.failed(e);
        } catch (Exception e) {
            // the reader went away (a write failed): nothing to answer
            callback.failed(e);
        } finally {
            open.decrementAndGet();
        }
    }

    /** One SSE frame; the JSON has no line breaks, so it fits one {@code data:} line. */
    private String frame(long id, ReconcileEvent event) throws JsonProcessingException {
        Map<String, Object> data = new LinkedHashMap<>(event.fields());
        data.put("text", event.text());
        return "id: " + id + "\ndata: " + json.writeValueAsString(data) + "\n\n";
    }

    private static void write(Response response, String text) throws Exception {
        try (Blocker.Callback written = Blocker.callback()) {
            response.write(false, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), written);
            written.block();
        }
    }

    /** Ends every open stream (within {@link #POLL_MILLIS}). */
    @Override
    public void close() {
        closed = true;
    }
}
