package dev.kiln.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.content.Digest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A registry whose storage is a 1 MiB tmpfs, filled up by the test (needs root, as in CI). */
class FullDiskIT {
    @TempDir
    Path tmp;

    Path disk;
    boolean mounted;
    RegistryServer server;
    Http http;

    static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    @BeforeEach
    void start() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        disk = Files.createDirectories(tmp.resolve("disk"));
        mounted = run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", disk.toString()) == 0;
        assumeTrue(mounted, "cannot mount a tmpfs here");
        server = new RegistryServer(
                        RegistryConfig.builder(disk.resolve("registry")).build())
                .start();
        http = new Http("http://127.0.0.1:" + server.port());
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (mounted) {
            run("umount", disk.toString());
        }
    }

    /** Writes a file until the file system refuses more. */
    Path fill() throws IOException {
        Path filler = disk.resolve("filler");
        try (OutputStream out = Files.newOutputStream(filler)) {
            byte[] block = new byte[4096];
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException e) {
            assertThat(e.getMessage()).contains("No space left on device");
        }
        return filler;
    }

    @Test
    void aFullDiskIs507ForUploadsAndManifestsAndTheSameRequestsSucceedOnceFreed() throws Exception {
        byte[] config = TestContent.config("amd64");
        assertThat(http.send("POST", "/v2/app/blobs/uploads/?digest=" + Digest.sha256(config), config)
                        .statusCode())
                .isEqualTo(201);
        byte[] layer = TestContent.random(5, 64 * 1024);
        String location = http.send("POST", "/v2/app/blobs/uploads/", null)
                .headers()
                .firstValue("Location")
                .orElseThrow();
        byte[] manifest = TestContent.manifest(config);
        Path filler = fill();

        HttpResponse<byte[]> chunk = http.send("PATCH", location, layer, "Content-Range", "0-" + (layer.length - 1));
        assertThat(chunk.statusCode()).isEqualTo(507);
        assertThat(Http.errorCode(chunk)).isEqualTo("UNKNOWN");
        assertThat(new String(chunk.body(), StandardCharsets.UTF_8)).contains("storage is full");
        HttpResponse<byte[]> put =
                http.send("PUT", "/v2/app/manifests/v1", manifest, "Content-Type", TestContent.OCI_MANIFEST);
        assertThat(put.statusCode()).isEqualTo(507);
        assertThat(new String(put.body(), StandardCharsets.UTF_8))
                .contains("storage is full")
                .doesNotContain("ContentException");

        // Nothing half-written stays behind: the upload is where it was, and the same requests now succeed.
        Files.delete(filler);
        assertThat(http.send("GET", location, null).headers().firstValue("Range"))
                .hasValue("0-0");
        assertThat(http.send("PATCH", location, layer, "Content-Range", "0-" + (layer.length - 1))
                        .statusCode())
                .isEqualTo(202);
        assertThat(http.send("PUT", location + "?digest=" + Digest.sha256(layer), null)
                        .statusCode())
                .isEqualTo(201);
        assertThat(http.send("PUT", "/v2/app/manifests/v1", manifest, "Content-Type", TestContent.OCI_MANIFEST)
                        .statusCode())
                .isEqualTo(201);
    }

    /**
     * A chunk far larger than the disk's room: the registry stops writing at once, but must still read the rest of
     * the body, or the client sees its connection reset instead of a 507 it can retry on. The reset is a race
     * (it needs body bytes still unread when the server closes), so the chunk is sent thirty times: without the
     * drain, this failed within thirty attempts ("header parser received no bytes").
     */
    @Test
    void aLargeChunkOnAFullDiskGets507NotAResetConnection() throws Exception {
        String location = http.send("POST", "/v2/app/blobs/uploads/", null)
                .headers()
                .firstValue("Location")
                .orElseThrow();
        fill();
        byte[] large = TestContent.random(7, 32 * 1024 * 1024);

        for (int attempt = 0; attempt < 30; attempt++) {
            HttpResponse<byte[]> chunk =
                    http.send("PATCH", location, large, "Content-Range", "0-" + (large.length - 1));
            assertThat(chunk.statusCode()).isEqualTo(507);
            assertThat(new String(chunk.body(), StandardCharsets.UTF_8)).contains("storage is full");
        }
        assertThat(http.send("GET", location, null).headers().firstValue("Range"))
                .hasValue("0-0");
    }
}
