package dev.kiln.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.content.Digest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connections cut mid-body, servers stopped mid-upload and restarted on the same root; garbage collection. */
class FaultIT {
    @TempDir
    Path root;

    RegistryServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    Http startServer() {
        server = new RegistryServer(RegistryConfig.builder(root).build()).start();
        return new Http("http://127.0.0.1:" + server.port());
    }

    /** Sends headers announcing {@code declared} bytes, then only {@code body}, then drops the connection. */
    void cutOff(String method, String path, String extraHeaders, byte[] body, int declared) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            OutputStream out = s.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + declared + "\r\n"
                            + extraHeaders + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        }
    }

    HttpResponse<byte[]> awaitRange(Http http, String location, String range) throws InterruptedException {
        HttpResponse<byte[]> status = null;
        for (int i = 0; i < 100; i++) {
            status = http.send("GET", location, null);
            if (status.headers().firstValue("Range").orElse("").equals(range)) {
                return status;
            }
            Thread.sleep(50);
        }
        return status;
    }

    @Test
    void chunkedUploadSurvivesACutConnectionAndARestart() throws Exception {
        Http http = startServer();
        byte[] blob = TestContent.random(1, 300_000);
        String location = http.send("POST", "/v2/app/blobs/uploads/", null)
                .headers()
                .firstValue("Location")
                .orElseThrow();
        assertThat(http.send("PATCH", location, Arrays.copyOfRange(blob, 0, 100_000), "Content-Range", "0-99999")
                        .statusCode())
                .isEqualTo(202);
        // The second chunk is cut after half its bytes: the chunk is rolled back, the first one stays.
        cutOff(
                "PATCH",
                location,
                "Content-Range: 100000-199999\r\n",
                Arrays.copyOfRange(blob, 100_000, 150_000),
                100_000);
        assertThat(awaitRange(http, location, "0-99999").headers().firstValue("Range"))
                .hasValue("0-99999");

        // Kill the server and start another on the same root: the upload is still there.
        server.close();
        http = startServer();
        HttpResponse<byte[]> status = http.send("GET", location, null);
        assertThat(status.statusCode()).isEqualTo(204);
        assertThat(status.headers().firstValue("Range")).hasValue("0-99999");
        assertThat(http.send(
                                "PATCH",
                                location,
                                Arrays.copyOfRange(blob, 100_000, 200_000),
                                "Content-Range",
                                "100000-199999")
                        .statusCode())
                .isEqualTo(202);
        assertThat(http.send(
                                "PUT",
                                location + "?digest=" + Digest.sha256(blob),
                                Arrays.copyOfRange(blob, 200_000, 300_000),
                                "Content-Range",
                                "200000-299999")
                        .statusCode())
                .isEqualTo(201);
        assertThat(http.send("GET", "/v2/app/blobs/" + Digest.sha256(blob), null)
                        .body())
                .isEqualTo(blob);
    }

    @Test
    void truncatedMonolithicUploadStoresNothing() throws Exception {
        Http http = startServer();
        byte[] blob = TestContent.random(2, 50_000);
        String location = http.send("POST", "/v2/app/blobs/uploads/", null)
                .headers()
                .firstValue("Location")
                .orElseThrow();
        cutOff("PUT", location + "?digest=" + Digest.sha256(blob), "", Arrays.copyOf(blob, 20_000), blob.length);
        awaitRange(http, location, "0-0");
        assertThat(http.send("HEAD", "/v2/app/blobs/" + Digest.sha256(blob), null)
                        .statusCode())
                .isEqualTo(404);
        assertThat(server.storage().blobs()).isEmpty();
        // The client retries the whole PUT and succeeds.
        assertThat(http.send("PUT", location + "?digest=" + Digest.sha256(blob), blob)
                        .statusCode())
                .isEqualTo(201);
    }

    @Test
    void manifestPutCutMidBodyStoresNothingAndRetrySucceedsAfterRestart() throws Exception {
        Http http = startServer();
        byte[] config = TestContent.config("amd64");
        http.send("POST", "/v2/app/blobs/uploads/?digest=" + Digest.sha256(config), config);
        byte[] manifest = TestContent.manifest(config);
        cutOff(
                "PUT",
                "/v2/app/manifests/v1",
                "Content-Type: " + TestContent.OCI_MANIFEST + "\r\n",
                Arrays.copyOf(manifest, manifest.length / 2),
                manifest.length);
        Thread.sleep(200);
        server.close();
        http = startServer();
        assertThat(http.send("GET", "/v2/app/manifests/v1", null).statusCode()).isEqualTo(404);
        assertThat(server.storage().manifests("app")).isEmpty();
        assertThat(http.send("PUT", "/v2/app/manifests/v1", manifest, "Content-Type", TestContent.OCI_MANIFEST)
                        .statusCode())
                .isEqualTo(201);
        assertThat(http.send("GET", "/v2/app/manifests/v1", null).body()).isEqualTo(manifest);
    }

    @Test
    void garbageCollectionRemovesOnlyUnreferencedBlobsAndStaleUploads() throws Exception {
        Http http = startServer();
        byte[] config = TestContent.config("amd64");
        byte[] layer = TestContent.random(3, 1000);
        byte[] orphan = TestContent.random(4, 1000);
        for (byte[] b : new byte[][] {config, layer, orphan}) {
            http.send("POST", "/v2/app/blobs/uploads/?digest=" + Digest.sha256(b), b);
        }
        byte[] manifest = TestContent.manifest(config, layer);
        http.send("PUT", "/v2/app/manifests/v1", manifest, "Content-Type", TestContent.OCI_MANIFEST);
        String pending = http.send("POST", "/v2/app/blobs/uploads/", null)
                .headers()
                .firstValue("Location")
                .orElseThrow();
        http.send("PATCH", pending, new byte[10]);

        // Online, with a grace period: a young orphan and a fresh upload survive.
        assertThat(server.collectGarbage()).isEqualTo(new GarbageCollector.Report(0, 0, 0));
        server.close();
        server = null;

        // Offline (kiln registry gc) a day later: the orphan and the idle upload go, the image stays.
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(2)), ZoneOffset.UTC);
        FileSystemStorage storage = new FileSystemStorage(root, later);
        GarbageCollector.Report report =
                new GarbageCollector(storage, later, Duration.ZERO, Duration.ofHours(24)).collect();
        assertThat(report.blobsRemoved()).isEqualTo(1);
        assertThat(report.bytesFreed()).isEqualTo(1000);
        assertThat(report.uploadsRemoved()).isEqualTo(1);
        assertThat(storage.blobs())
                .extracting(RegistryStorage.BlobEntry::digest)
                .containsExactlyInAnyOrder(Digest.sha256(config), Digest.sha256(layer), Digest.sha256(manifest));
        assertThat(storage.isLinked("app", Digest.sha256(orphan))).isFalse();
        assertThat(storage.uploads()).isEmpty();
        http = startServer();
        assertThat(http.send("GET", "/v2/app/manifests/v1", null).body()).isEqualTo(manifest);
        assertThat(http.send("GET", "/v2/app/blobs/" + Digest.sha256(layer), null)
                        .body())
                .isEqualTo(layer);
    }
}
