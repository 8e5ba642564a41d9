package dev.kiln.testkit;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A front for S3Proxy that makes its conditional writes atomic, as S3's are. S3Proxy 4.1 decides {@code If-Match}
 * on its filesystem backend by reading the object's ETag and then writing: another writer can come between the two
 * steps, so several writers replacing one version can all succeed (measured: up to 8 of 8). The front forwards every
 * request byte for byte (the signature covers the {@code Host} header, which it keeps) and lets one request with a
 * precondition that changes something through at a time; reads and unconditional writes pass freely.
 */
final class ConditionalWriteFront implements AutoCloseable {
    /** Headers the front sets itself: the body is forwarded whole, and each forwarded request has its own connection. */
    private static final Set<String> HOP_BY_HOP =
            Set.of("connection", "content-length", "transfer-encoding", "keep-alive");

    private final HttpServer server;
    private final ExecutorService threads;
    private final int backendPort;
    private final ReentrantLock gate = new ReentrantLock(true);

    private ConditionalWriteFront(HttpServer server, ExecutorService threads, int backendPort) {
        this.server = server;
        this.threads = threads;
        this.backendPort = backendPort;
    }

    /** Listens on 127.0.0.1 and forwards to S3Proxy on {@code backendPort} of the same address. */
    static ConditionalWriteFront start(int backendPort) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "s3proxy-front");
            t.setDaemon(true);
            return t;
        });
        ConditionalWriteFront front = new ConditionalWriteFront(server, threads, backendPort);
        server.setExecutor(threads);
        server.createContext("/", front::forward);
        server.start();
        return front;
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String method = exchange.getRequestMethod();
            Headers headers = exchange.getRequestHeaders();
            boolean conditional = !method.equals("GET")
                    && !method.equals("HEAD")
                    && (headers.containsKey("If-Match") || headers.containsKey("If-None-Match"));
            Answer answer;
            if (conditional) {
                gate.lock();
                try {
                    answer = send(exchange, body);
                } finally {
                    gate.unlock();
                }
            } else {
                answer = send(exchange, body);
            }
            Headers out = exchange.getResponseHeaders();
            for (Map.Entry<String, List<String>> h : answer.headers()) {
                if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                    out.put(h.getKey(), h.getValue());
                }
            }
            if (method.equals("HEAD")) {
                answer.header("content-length").ifPresent(length -> out.set("Content-Length", length));
                exchange.sendResponseHeaders(answer.status(), -1);
            } else if (answer.body().length == 0) {
                exchange.sendResponseHeaders(answer.status(), -1);
            } else {
                exchange.sendResponseHeaders(answer.status(), answer.body().length);
                exchange.getResponseBody().write(answer.body());
            }
        }
    }

    // the body is passed on as it is; nothing compares answers with equals (arrays compare by identity)
    @SuppressWarnings("ArrayRecordComponent")
    private record Answer(int status, List<Map.Entry<String, List<String>>> headers, byte[] body) {
        java.util.Optional<String> header(String name) {
            return headers.stream()
                    .filter(h -> h.getKey().equalsIgnoreCase(name))
                    .map(h -> h.getValue().get(0))
                    .findFirst();
        }
    }

    /** One request on its own connection to S3Proxy, read to the end of its response. */
    private Answer send(HttpExchange exchange, byte[] body) throws IOException {
        String target = exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() != null
                        ? "?" + exchange.getRequestURI().getRawQuery()
                        : "");
        StringBuilder head = new StringBuilder(exchange.getRequestMethod() + " " + target + " HTTP/1.1\r\n");
        for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
            if (HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                continue;
            }
            for (String value : h.getValue()) {
                head.append(h.getKey()).append(": ").append(value).append("\r\n");
            }
        }
        head.append("Content-Length: ").append(body.length).append("\r\n");
        head.append("Connection: close\r\n\r\n");
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), backendPort)) {
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            int status;
            List<Map.Entry<String, List<String>>> headers;
            do { // an interim 100 Continue comes before the response proper
                String statusLine = line(in);
                status = Integer.parseInt(statusLine.split(" ", 3)[1]);
                headers = headers(in);
            } while (status >= 100 && status < 200);
            Answer partial = new Answer(status, headers, new byte[0]);
            if (exchange.getRequestMethod().equals("HEAD") || status == 204 || status == 304) {
                return partial;
            }
            byte[] content;
            if (partial.header("transfer-encoding")
                    .map(v -> v.equalsIgnoreCase("chunked"))
                    .orElse(false)) {
                content = chunked(in);
            } else if (partial.header("content-length").isPresent()) {
                content = in.readNBytes(Integer.parseInt(
                        partial.header("content-length").orElseThrow().trim()));
            } else {
                content = in.readAllBytes();
            }
            return new Answer(status, headers, content);
        }
    }

    private static List<Map.Entry<String, List<String>>> headers(InputStream in) throws IOException {
        List<Map.Entry<String, List<String>>> headers = new ArrayList<>();
        String h = line(in);
        while (!h.isEmpty()) {
            int colon = h.indexOf(':');
            headers.add(Map.entry(
                    h.substring(0, colon).trim(), List.of(h.substring(colon + 1).trim())));
            h = line(in);
        }
        return headers;
    }

    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        int size = chunkSize(in);
        while (size > 0) {
            content.write(in.readNBytes(size));
            line(in); // the CRLF after the chunk
            size = chunkSize(in);
        }
        String trailer = line(in);
        while (!trailer.isEmpty()) {
            trailer = line(in);
        }
        return content.toByteArray();
    }

    private static int chunkSize(InputStream in) throws IOException {
        return Integer.parseInt(line(in).split(";", 2)[0].trim(), 16);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b = in.read();
        while (b != '\n') {
            if (b < 0) {
                throw new IOException("S3Proxy closed the connection mid-response");
            }
            if (b != '\r') {
                line.write(b);
            }
            b = in.read();
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
