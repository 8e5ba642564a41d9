package dev.kiln.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a {@link SocketGet} sends, and what it does with answers S3Proxy never gives: a server that
 * stops sending, a connection cut short, a chunked body, connections closed while idle. Each
 * server here is a real socket on 127.0.0.1 that answers requests with fixed bytes.
 */
class SocketGetTest {

    /**
     * Answers requests with the given responses in turn, on as many connections as it is sent, and
     * records which connection (counted from 1) each request came on. After the last response it holds
     * the connection open (when {@code hold}) or closes it; {@code closeEach} closes it after every one.
     */
    static final class Answers implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        final List<String> requests = new CopyOnWriteArrayList<>();
        final List<Integer> connections = new CopyOnWriteArrayList<>();
        final CountDownLatch release = new CountDownLatch(1);

        Answers(boolean hold, boolean closeEach, String... responses) throws IOException {
            Thread t = new Thread(() -> {
                int answered = 0;
                int connection = 0;
                try {
                    while (answered < responses.length) {
                        try (Socket s = server.accept()) {
                            connection++;
                            while (answered < responses.length) {
                                String request = readHead(s.getInputStream());
                                if (request.isEmpty()) {
                                    break; // the client closed this connection
                                }
                                requests.add(request);
                                connections.add(connection);
                                s.getOutputStream().write(responses[answered++].getBytes(StandardCharsets.ISO_8859_1));
                                s.getOutputStream().flush();
                                if (closeEach) {
                                    break;
                                }
                            }
                            if (answered == responses.length && hold) {
                                release.await(30, TimeUnit.SECONDS);
                            }
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    // the test closed the server
                }
            });
            t.setDaemon(true);
            t.start();
        }

        URI url(String pathAndQuery) {
            return URI.create("http://127.0.0.1:" + server.getLocalPort() + pathAndQuery);
        }

        @Override
        public void close() throws IOException {
            release.countDown();
            server.close();
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.write(b);
            }
            return head.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static String body(SocketGet get) throws IOException {
        ByteBuffer body = ByteBuffer.allocateDirect(64);
        while (get.read(body) >= 0) {
            // to the end
        }
        return StandardCharsets.US_ASCII.decode(body.flip()).toString();
    }

    private static void getAbcTwice(Answers server) throws IOException {
        for (int i = 0; i < 2; i++) {
            try (SocketGet get = SocketGet.open(server.url("/b/k" + i), 0, "s3://b/k", Duration.ofSeconds(30))) {
                assertThat(get).isNotNull();
                assertThat(body(get)).isEqualTo("abc");
            }
        }
    }

    private static final String ABC = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";

    @Test
    void aConnectionReadToItsEndCarriesTheNextGet() throws Exception {
        try (Answers server = new Answers(false, false, ABC, ABC)) {
            getAbcTwice(server);
            assertThat(server.connections).containsExactly(1, 1);
        }
    }

    @Test
    void aConnectionTheServerClosedWhileIdleIsReplaced() throws Exception {
        try (Answers server = new Answers(false, true, ABC, ABC)) {
            getAbcTwice(server);
            assertThat(server.connections).containsExactly(1, 2);
        }
    }

    @Test
    void aBodyNotReadToItsEndClosesItsConnection() throws Exception {
        String big = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nabcdef";
        try (Answers server = new Answers(false, false, big, ABC)) {
            try (SocketGet get = SocketGet.open(server.url("/b/1"), 0, "s3://b/1", Duration.ofSeconds(30))) {
                assertThat(get).isNotNull();
                assertThat(get.read(ByteBuffer.allocateDirect(2))).isEqualTo(2);
            }
            try (SocketGet get = SocketGet.open(server.url("/b/2"), 0, "s3://b/2", Duration.ofSeconds(30))) {
                assertThat(get).isNotNull();
                assertThat(body(get)).isEqualTo("abc");
            }
            assertThat(server.connections).containsExactly(1, 2);
        }
    }

    @Test
    void sendsThePresignedTargetWithItsSignedHostAndARange() throws Exception {
        try (Answers server =
                        new Answers(false, false, "HTTP/1.1 206 Partial Content\r\nContent-Length: 3\r\n\r\nabc");
                SocketGet get = SocketGet.open(
                        server.url("/bucket/a%20b?X-Amz-Signature=s1g&X-Amz-Expires=60"),
                        5,
                        "s3://bucket/a b",
                        Duration.ofSeconds(30))) {
            assertThat(get).isNotNull();
            assertThat(server.requests)
                    .containsExactly("GET /bucket/a%20b?X-Amz-Signature=s1g&X-Amz-Expires=60 HTTP/1.1\r\n"
                            + "Host: 127.0.0.1:" + server.server.getLocalPort() + "\r\n"
                            + "Range: bytes=5-\r\n\r\n");
            ByteBuffer body = ByteBuffer.allocateDirect(16);
            assertThat(get.read(body)).isEqualTo(3);
            assertThat(get.read(body)).isEqualTo(-1);
            assertThat(StandardCharsets.US_ASCII.decode(body.flip()).toString()).isEqualTo("abc");
        }
    }

    @Test
    void aServerThatStopsSendingFailsTheReadAfterTheTimeout() throws Exception {
        try (Answers server = new Answers(true, false, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst")) {
            assertSecondReadFails(
                    server,
                    Duration.ofSeconds(1),
                    5,
                    SocketTimeoutException.class,
                    "s3://b/k: no byte from the object store for 1 s");
        }
    }

    @Test
    void aConnectionCutShortFailsNamingWhatArrived() throws Exception {
        try (Answers server = new Answers(false, true, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this")) {
            assertSecondReadFails(
                    server,
                    Duration.ofSeconds(30),
                    9,
                    EOFException.class,
                    "s3://b/k: the connection ended after 9 of 100 bytes");
        }
    }

    /** The first read gets what the server sent; the next one fails with the given message. */
    private static void assertSecondReadFails(
            Answers server, Duration timeout, int sent, Class<? extends IOException> failure, String message)
            throws IOException {
        try (SocketGet get = SocketGet.open(server.url("/b/k"), 0, "s3://b/k", timeout)) {
            assertThat(get).isNotNull();
            ByteBuffer body = ByteBuffer.allocateDirect(100);
            assertThat(get.read(body)).isEqualTo(sent);
            assertThatThrownBy(() -> get.read(body)).isInstanceOf(failure).hasMessage(message);
        }
    }

    @Test
    void declinesWhatNeedsMoreThanALength() throws Exception {
        String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
        try (Answers server = new Answers(false, true, chunked)) {
            assertThat(SocketGet.open(server.url("/b/k"), 0, "s3://b/k", Duration.ofSeconds(30)))
                    .isNull();
        }
        String wholeForARange = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";
        try (Answers server = new Answers(false, true, wholeForARange)) {
            assertThat(SocketGet.open(server.url("/b/k"), 1, "s3://b/k", Duration.ofSeconds(30)))
                    .as("a server ignoring the range would serve bytes from the wrong offset")
                    .isNull();
        }
        String slowDown = "HTTP/1.1 503 Slow Down\r\nContent-Length: 0\r\n\r\n";
        try (Answers server = new Answers(false, true, slowDown)) {
            assertThat(SocketGet.open(server.url("/b/k"), 0, "s3://b/k", Duration.ofSeconds(30)))
                    .as("the SDK retries and names errors")
                    .isNull();
        }
        assertThat(SocketGet.open(URI.create("https://127.0.0.1:1/b/k"), 0, "s3://b/k", Duration.ofSeconds(30)))
                .as("TLS is the SDK's")
                .isNull();
    }
}
