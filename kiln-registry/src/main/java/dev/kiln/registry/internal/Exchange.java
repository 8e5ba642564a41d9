package dev.kiln.registry.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.jspecify.annotations.Nullable;

/** One request and its response: small conveniences over Jetty's core API, no servlet layer. */
public final class Exchange {
    static final ObjectMapper JSON = new ObjectMapper();

    private final Request request;
    private final Response response;
    private final Callback callback;
    private final boolean head;
    private @Nullable Fields query;
    private boolean sent;

    public Exchange(Request request, Response response, Callback callback) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.head = "HEAD".equals(request.getMethod());
    }

    public String method() {
        return request.getMethod();
    }

    public boolean isHead() {
        return head;
    }

    public Request request() {
        return request;
    }

    /** The client's IP address as the connection sees it (no proxy headers are trusted). */
    public String clientAddress() {
        return Request.getRemoteAddr(request);
    }

    /** The header's value, null when the request has none. */
    public @Nullable String header(String name) {
        return request.getHeaders().get(name);
    }

    public @Nullable String header(HttpHeader name) {
        return request.getHeaders().get(name);
    }

    public List<String> headerValues(HttpHeader name) {
        return request.getHeaders().getValuesList(name);
    }

    /** The query parameter's first value, null when the request has none. */
    public @Nullable String query(String name) {
        return queryFields().getValue(name);
    }

    /** The query parameter's values, null when the request has none. */
    public @Nullable List<String> queryValues(String name) {
        return queryFields().getValues(name);
    }

    private Fields queryFields() {
        Fields fields = query;
        if (fields == null) {
            fields = Request.extractQueryParameters(request);
            query = fields;
        }
        return fields;
    }

    /** The request's declared body length, or -1. */
    public long contentLength() {
        return request.getLength();
    }

    public InputStream body() {
        return Content.Source.asInputStream(request);
    }

    /** Reads the whole body, refusing more than {@code limit} bytes with 413. */
    public byte[] bodyBytes(int limit, String what) throws IOException {
        long declared = contentLength();
        if (declared > limit) {
            throw new HttpError(
                    413,
                    ErrorCode.SIZE_INVALID,
                    what + " is larger than " + limit + " bytes",
                    "Content-Length " + declared);
        }
        try (InputStream in = body()) {
            byte[] bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw new HttpError(413, ErrorCode.SIZE_INVALID, what + " is larger than " + limit + " bytes", null);
            }
            return bytes;
        }
    }

    public Exchange header(String name, String value) {
        response.getHeaders().put(name, value);
        return this;
    }

    public Exchange header(HttpHeader name, String value) {
        response.getHeaders().put(name, value);
        return this;
    }

    public Exchange header(HttpField field) {
        response.getHeaders().put(field);
        return this;
    }

    public Exchange addHeader(String name, String value) {
        response.getHeaders().add(name, value);
        return this;
    }

    public boolean sent() {
        return sent;
    }

    /** Ends the exchange with a status and no body. */
    public void send(int status) {
        sent = true;
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
        response.write(true, null, callback);
    }

    /** Ends the exchange with a body; HEAD requests get the headers only. */
    public void send(int status, String contentType, byte[] body) {
        sent = true;
        response.setStatus(status);
        if (contentType != null) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, head ? null : ByteBuffer.wrap(body), callback);
    }

    public void sendJson(int status, String contentType, Object value) {
        try {
            send(status, contentType, JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new IllegalStateException("JSON encoding of a response failed", e);
        }
    }

    /** Writes a part of a streamed body and waits for it to leave, so buffers can be reused. */
    public void writeBlocking(ByteBuffer buffer) throws IOException {
        try (Blocker.Callback blocker = Blocker.callback()) {
            response.write(false, buffer, blocker);
            blocker.block();
        }
    }

    /** Completes the response; {@code last} null sends no more body bytes. */
    public void finish(@Nullable ByteBuffer last) {
        sent = true;
        response.write(true, last, callback);
    }

    public void status(int status) {
        response.setStatus(status);
    }

    public void fail(Throwable t) {
        sent = true;
        callback.failed(t);
    }

    public void sendError(HttpError e) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putArray("errors").addObject();
        error.put("code", e.code().name());
        error.put("message", e.getMessage());
        if (e.detail() != null) {
            error.put("detail", e.detail());
        }
        try {
            send(e.status(), "application/json", JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8));
        } catch (IOException io) {
            callback.failed(io);
        }
    }

    public boolean committed() {
        return response.isCommitted();
    }
}
