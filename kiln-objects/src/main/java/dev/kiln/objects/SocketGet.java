package dev.kiln.objects;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpVersion;
import org.jspecify.annotations.Nullable;

/**
 * The GET of a presigned plain-HTTP URL, its body read straight from the socket into the caller's
 * buffer. The SDK's client ({@code HttpURLConnection}) reads every byte through a temporary direct
 * buffer into a heap array, and a server relaying the object copies it back into a direct buffer
 * for its own socket: two copies of every byte, most of the CPU a registry spends on a blob pull.
 * Read here into a direct buffer, a byte goes from one socket to the other without a copy in Java.
 *
 * <p>Only what needs nothing beyond {@code Content-Length} framing: {@link #open} declines (returns
 * null) for TLS, a chunked body, any status but the one asked for, or a connection that fails before
 * the response head, and the caller asks the SDK, whose answer (retries, error codes) is the
 * authority. The response head is parsed by Jetty's parser. A connection whose body was read to its
 * end is kept for the next GET to the same server, as the SDK's client keeps its own: a connection
 * per object would leave a socket in TIME_WAIT for each blob served.
 */
final class SocketGet implements Closeable {
    /** As the SDK's client: a read that gets no byte for this long fails. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private static final int CONNECT_TIMEOUT_MS = 10_000;
    private static final int HEAD_MAX = 16 << 10;
    /** Idle connections kept per server, each for less time than S3 servers keep theirs (5 to 20 s). */
    private static final int IDLE_PER_SERVER = 16;

    private static final long IDLE_NANOS = Duration.ofSeconds(4).toNanos();

    private static final Set<SocketGet> OPEN = ConcurrentHashMap.newKeySet();
    private static final Map<String, ArrayDeque<Idle>> IDLE = new HashMap<>();
    private static final ScheduledExecutorService WATCH = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kiln-s3-socket-watch");
        t.setDaemon(true);
        return t;
    });
    // A blocking channel read has no timeout of its own: closing the channel ends it. Runs for the
    // process's life (a daemon thread), never cancelled.
    @SuppressWarnings("unused")
    private static final ScheduledFuture<?> CHECKS = WATCH.scheduleWithFixedDelay(
            () -> {
                closeStalled();
                pruneIdle();
            },
            1,
            1,
            TimeUnit.SECONDS);

    private record Idle(SocketChannel channel, long since) {}

    private final SocketChannel channel;
    private final String server;
    private final String what;
    private final Duration timeout;
    private ByteBuffer head = ByteBuffer.allocate(0);
    private long length;
    private long remaining;
    private boolean reusable;
    private boolean released;
    /** {@link System#nanoTime} when the current socket call began, 0 between calls. */
    private volatile long busySince;

    private volatile boolean timedOut;

    private SocketGet(SocketChannel channel, String server, String what, Duration timeout) {
        this.channel = channel;
        this.server = server;
        this.what = what;
        this.timeout = timeout;
        OPEN.add(this);
    }

    /**
     * Sends the GET ({@code Range: bytes=offset-} when offset is not 0) and reads the response head:
     * null when the answer is not a plain 200 (206 for a range) with a length; nothing is left open then.
     *
     * @param what the object, for messages
     */
    static @Nullable SocketGet open(URI url, long offset, String what, Duration timeout) {
        if (!"http".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
            return null;
        }
        int port = url.getPort() < 0 ? 80 : url.getPort();
        String server = url.getHost() + ":" + port;
        SocketChannel idle = takeIdle(server);
        if (idle != null) {
            try {
                return new SocketGet(idle, server, what, timeout).exchange(url, offset);
            } catch (IOException e) {
                // the server closed the connection while it was idle: a new one below
            }
        }
        try {
            SocketChannel fresh = SocketChannel.open();
            try {
                fresh.socket().connect(new InetSocketAddress(url.getHost(), port), CONNECT_TIMEOUT_MS);
            } catch (IOException e) {
                fresh.close();
                throw e;
            }
            return new SocketGet(fresh, server, what, timeout).exchange(url, offset);
        } catch (IOException e) {
            return null; // the SDK's request (with its retries) says what is wrong with the server
        }
    }

    /** The request and the response head on this connection; closes it unless the answer is kept. */
    private @Nullable SocketGet exchange(URI url, long offset) throws IOException {
        boolean kept = false;
        try {
            String target = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
            String request = "GET " + target + " HTTP/1.1\r\nHost: " + url.getRawAuthority() + "\r\n"
                    + (offset > 0 ? "Range: bytes=" + offset + "-\r\n" : "")
                    + "\r\n";
            writeFully(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            Head parsed = new Head();
            HttpParser parser = new HttpParser(parsed);
            ByteBuffer buffer = ByteBuffer.allocate(HEAD_MAX).flip();
            while (!parser.parseNext(buffer)) {
                if (buffer.limit() == buffer.capacity()) {
                    return null; // a head larger than any S3 sends: left to the SDK
                }
                buffer.compact();
                int n = io(() -> channel.read(buffer));
                buffer.flip();
                if (n < 0) {
                    throw new EOFException(what + ": the connection ended before the response");
                }
            }
            long length = parser.getContentLength();
            if (parsed.status != (offset > 0 ? 206 : 200)
                    || parser.isChunking()
                    || length < 0
                    || buffer.remaining() > length) {
                return null;
            }
            head = buffer.slice();
            this.length = length;
            remaining = length;
            reusable = parsed.keepAlive;
            kept = true;
            releaseAtEnd();
            return this;
        } finally {
            if (!kept) {
                close();
            }
        }
    }

    /** Bytes of the body in all. */
    long length() {
        return length;
    }

    /** Reads body bytes into {@code dst}: -1 at the end of the body; an early end of the connection fails. */
    int read(ByteBuffer dst) throws IOException {
        if (remaining == 0) {
            return -1;
        }
        int n;
        if (head.hasRemaining()) { // the body's first bytes came with the head
            n = Math.min(head.remaining(), dst.remaining());
            dst.put(head.slice().limit(n));
            head.position(head.position() + n);
        } else {
            int limit = dst.limit();
            if (dst.remaining() > remaining) {
                dst.limit(dst.position() + (int) remaining);
            }
            try {
                n = io(() -> channel.read(dst));
            } finally {
                dst.limit(limit);
            }
            if (n < 0) {
                throw new EOFException(
                        what + ": the connection ended after " + (length - remaining) + " of " + length + " bytes");
            }
        }
        remaining -= n;
        releaseAtEnd();
        return n;
    }

    /** Closes the connection, unless the whole body was read and it went back to the idle ones. */
    @Override
    public void close() throws IOException {
        if (!released) {
            released = true;
            OPEN.remove(this);
            channel.close();
        }
    }

    private void releaseAtEnd() {
        if (remaining == 0 && reusable && !released) {
            released = true;
            OPEN.remove(this);
            putIdle(server, channel);
        }
    }

    private void writeFully(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            io(() -> channel.write(src));
        }
    }

    private interface SocketCall {
        int run() throws IOException;
    }

    /** Runs a blocking socket call under the stall watch. */
    private int io(SocketCall call) throws IOException {
        busySince = System.nanoTime() | 1;
        try {
            return call.run();
        } catch (AsynchronousCloseException e) {
            if (timedOut) {
                var timeoutException = new SocketTimeoutException(
                        what + ": no byte from the object store for " + timeout.toSeconds() + " s");
                timeoutException.initCause(e);
                throw timeoutException;
            }
            throw e;
        } finally {
            busySince = 0;
        }
    }

    private static void closeStalled() {
        long now = System.nanoTime();
        for (SocketGet get : OPEN) {
            long since = get.busySince;
            if (since != 0 && now - since > get.timeout.toNanos()) {
                get.timedOut = true;
                closeQuietly(get.channel);
            }
        }
    }

    private static @Nullable SocketChannel takeIdle(String server) {
        synchronized (IDLE) {
            ArrayDeque<Idle> idle = IDLE.get(server);
            long now = System.nanoTime();
            while (idle != null && !idle.isEmpty()) {
                Idle newest = idle.pollLast();
                if (now - newest.since() < IDLE_NANOS && newest.channel().isOpen()) {
                    return newest.channel();
                }
                closeQuietly(newest.channel());
            }
            return null;
        }
    }

    private static void putIdle(String server, SocketChannel channel) {
        synchronized (IDLE) {
            ArrayDeque<Idle> idle = IDLE.computeIfAbsent(server, s -> new ArrayDeque<>());
            if (idle.size() < IDLE_PER_SERVER) {
                idle.addLast(new Idle(channel, System.nanoTime()));
                return;
            }
        }
        closeQuietly(channel);
    }

    private static void pruneIdle() {
        long now = System.nanoTime();
        synchronized (IDLE) {
            for (ArrayDeque<Idle> idle : IDLE.values()) {
                for (Iterator<Idle> i = idle.iterator(); i.hasNext(); ) {
                    Idle next = i.next();
                    if (now - next.since() >= IDLE_NANOS) {
                        closeQuietly(next.channel());
                        i.remove();
                    }
                }
            }
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a socket only fails when it is already gone
        }
    }

    /** The response head's status and whether the connection stays open; the parser keeps the framing. */
    private static final class Head implements HttpParser.ResponseHandler {
        int status;
        boolean keepAlive;

        @Override
        public void startResponse(HttpVersion version, int status, String reason) {
            this.status = status;
            this.keepAlive = version == HttpVersion.HTTP_1_1;
        }

        @Override
        public void parsedHeader(HttpField field) {
            if (field.getHeader() == HttpHeader.CONNECTION && field.contains("close")) {
                keepAlive = false;
            }
        }

        @Override
        public boolean headerComplete() {
            return true; // stop here: the body is read from the socket, not through the parser
        }

        @Override
        public boolean content(ByteBuffer item) {
            return true;
        }

        @Override
        public boolean contentComplete() {
            return true;
        }

        @Override
        public boolean messageComplete() {
            return true;
        }

        @Override
        public void earlyEOF() {}
    }
}
