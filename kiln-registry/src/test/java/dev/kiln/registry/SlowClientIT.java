package dev.kiln.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that send request bodies slowly, or not at all, against the real server on loopback.
 * Each slow client is a socket that sent its headers and then drips a byte at a time; distinct
 * clients use distinct source addresses in 127.0.0.0/8. Nothing here times the server: a read
 * either gets an answer within a generous client timeout (10 s) or the test fails.
 */
class SlowClientIT {
    private static final String ZERO_DIGEST = "sha256:" + "0".repeat(64);

    @TempDir
    Path root;

    RegistryServer server;
    final List<Socket> sockets = new ArrayList<>();
    final ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "slow-client-drip");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void stop() {
        drip.shutdownNow();
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already closed by the server
            }
        }
        if (server != null) {
            server.close();
        }
    }

    void start(ClientLimits limits) {
        server = new RegistryServer(RegistryConfig.builder(root).limits(limits).build()).start();
    }

    /** Sends the head of a request announcing {@code length} body bytes, and nothing of the body. */
    Socket openBody(String local, String method, String path, int length) throws IOException {
        Socket s = RawHttp.connect(local, server.port());
        sockets.add(s);
        s.getOutputStream()
                .write((method + " " + path
                                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
                                + "Content-Length: " + length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    /** Every {@code period}, one more byte on each socket; sockets the server closed are skipped. */
    // runs until the test's executor is shut down; the task catches its own errors
    @SuppressWarnings("FutureReturnValueIgnored")
    void dripEvery(Duration period, List<Socket> slow) {
        drip.scheduleAtFixedRate(
                () -> {
                    for (Socket s : slow) {
                        try {
                            s.getOutputStream().write('x');
                            s.getOutputStream().flush();
                        } catch (IOException closedByServer) {
                            // the server cut this one off, which is what some tests want
                        }
                    }
                },
                0,
                period.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    void awaitUploadsInProgress(int n) throws InterruptedException {
        for (int i = 0; i < 200 && server.storage().uploads().size() < n; i++) {
            Thread.sleep(50);
        }
        assertThat(server.storage().uploads().size()).isGreaterThanOrEqualTo(n);
    }

    static String local(int i) {
        return "127.0." + (1 + i / 250) + "." + (1 + i % 250);
    }

    @Test
    void readsAreAnsweredWhileHundredsOfSlowUploadBodiesAreOpen() throws Exception {
        // The rate limit is off so that only the separation of body requests from reads is tested: before it,
        // 300 bodies held all 256 server threads and a ping waited for as long as they stayed open.
        start(ClientLimits.defaults().withMinBodyBytesPerSecond(0));
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            slow.add(openBody(local(i), "POST", "/v2/app/blobs/uploads/?digest=" + ZERO_DIGEST, 1000));
        }
        dripEvery(Duration.ofSeconds(2), slow);
        awaitUploadsInProgress(ClientLimits.defaults().maxBodies());
        Thread.sleep(500);

        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        for (String path : new String[] {"/v2/", "/v2/app/tags/list", "/healthz"}) {
            HttpResponse<String> r = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isIn(200, 404);
        }
        // Only the allowed number of bodies is being read; the others wait without a thread.
        assertThat(server.storage().uploads()).hasSize(ClientLimits.defaults().maxBodies());
    }

    @Test
    void aBodySlowerThanTheMinimumRateIsCutOffWith408AndNothingIsStored() throws Exception {
        start(ClientLimits.defaults());
        Http http = new Http("http://127.0.0.1:" + server.port());
        String location = http.send("POST", "/v2/app/blobs/uploads/", null)
                .headers()
                .firstValue("Location")
                .orElseThrow();
        Socket s = openBody("127.0.0.1", "PATCH", location, 1000);
        // 10 bytes a second, a hundredth of the default minimum: 1000 bytes would take 100 s.
        dripEvery(Duration.ofMillis(100), List.of(s));
        RawHttp.Response r = RawHttp.read(s.getInputStream());
        assertThat(r.status()).isEqualTo(408);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("BLOB_UPLOAD_INVALID", "too slowly");
        assertThat(http.send("GET", location, null).headers().firstValue("Range"))
                .hasValue("0-0");
    }

    @Test
    void aSlowBodyIsCutOffEvenWhileAnotherClientUploadsFast() throws Exception {
        // Jetty's MinimumDataRateHandler divides the bytes of all requests by the time of one: with
        // fast uploads going on beside it, the slow body was never cut.
        start(ClientLimits.defaults());
        Http http = new Http("http://127.0.0.1:" + server.port());
        byte[] blob = TestContent.random(11, 1 << 20);
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger uploaded = new AtomicInteger();
        Thread fast = new Thread(
                () -> {
                    while (!done.get()) {
                        http.send(
                                "POST",
                                "/v2/other/blobs/uploads/?digest=" + dev.kiln.content.Digest.sha256(blob),
                                blob);
                        uploaded.incrementAndGet();
                    }
                },
                "fast-uploader");
        fast.start();
        try {
            for (int i = 0; i < 400 && uploaded.get() < 3; i++) {
                Thread.sleep(50);
            }
            assertThat(uploaded.get())
                    .as("fast uploads before the slow body starts")
                    .isGreaterThanOrEqualTo(3);
            String location = http.send("POST", "/v2/app/blobs/uploads/", null)
                    .headers()
                    .firstValue("Location")
                    .orElseThrow();
            Socket s = openBody("127.0.0.1", "PATCH", location, 1000);
            dripEvery(Duration.ofMillis(100), List.of(s));
            RawHttp.Response r = RawHttp.read(s.getInputStream());
            assertThat(r.status()).isEqualTo(408);
        } finally {
            done.set(true);
            fast.join(20_000);
        }
    }

    @Test
    void aBodyThatStopsArrivingIsDroppedAfterTheIdleTimeout() throws Exception {
        start(ClientLimits.defaults().withIdleTimeout(Duration.ofSeconds(1)));
        Socket s = openBody("127.0.0.1", "POST", "/v2/app/blobs/uploads/?digest=" + ZERO_DIGEST, 10);
        RawHttp.Response r = RawHttp.read(s.getInputStream());
        assertThat(r.status()).isEqualTo(408);
        assertThat(server.storage().blobs()).isEmpty();
    }

    @Test
    void oneClientAddressGetsAtMostItsShareOfUploads() throws Exception {
        start(ClientLimits.defaults().withMaxBodiesPerClient(2).withMinBodyBytesPerSecond(0));
        Socket first = openBody("127.0.0.5", "POST", "/v2/app/blobs/uploads/?digest=" + ZERO_DIGEST, 10);
        openBody("127.0.0.5", "POST", "/v2/app/blobs/uploads/?digest=" + ZERO_DIGEST, 10);
        awaitUploadsInProgress(2);

        RawHttp.Response third = RawHttp.send("127.0.0.5", server.port(), "POST", "/v2/app/blobs/uploads/", null);
        assertThat(third.status()).isEqualTo(429);
        assertThat(new String(third.body(), StandardCharsets.UTF_8)).contains("TOOMANYREQUESTS", "127.0.0.5");
        assertThat(third.header("Retry-After")).isEqualTo("2");
        assertThat(RawHttp.send("127.0.0.6", server.port(), "POST", "/v2/app/blobs/uploads/", null)
                        .status())
                .isEqualTo(202);
        // Reads from the same address are not limited.
        assertThat(RawHttp.send("127.0.0.5", server.port(), "GET", "/v2/", null).status())
                .isEqualTo(200);

        // Once one of its bodies ends, the client may start another.
        first.getOutputStream().write(new byte[10]);
        assertThat(RawHttp.read(first.getInputStream()).status()).isEqualTo(400);
        int status = 0;
        for (int i = 0; i < 100 && status != 202; i++) {
            status = RawHttp.send("127.0.0.5", server.port(), "POST", "/v2/app/blobs/uploads/", null)
                    .status();
            Thread.sleep(status == 202 ? 0 : 50);
        }
        assertThat(status).isEqualTo(202);
    }
}
