package dev.kiln.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.content.Digest;
import dev.kiln.objects.S3Location;
import dev.kiln.testkit.S3ProxyProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two registry processes' worth of servers over one S3 bucket (S3Proxy on 127.0.0.1): whatever is
 * pushed to one is pulled from the other, an upload continues across them, and a tag moved on one
 * is seen by the other at once.
 */
class ReplicatedRegistryIT {
    @TempDir
    Path tmp;

    S3ProxyProcess s3;
    RegistryServer a;
    RegistryServer b;
    Http httpA;
    Http httpB;

    @BeforeEach
    void start() throws Exception {
        s3 = S3ProxyProcess.start(tmp.resolve("s3proxy"));
        S3Location location = S3Location.parse(s3.bucket("registry", "replicated"));
        a = replica(RegistryConfig.builder(location, s3.environment()));
        b = replica(RegistryConfig.builder(location, s3.environment()));
        httpA = new Http("http://" + a.address());
        httpB = new Http("http://" + b.address());
    }

    static RegistryServer replica(RegistryConfig.Builder config) {
        return new RegistryServer(config.build()).start();
    }

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {a, b, s3}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // keep closing the others
            }
        }
    }

    static String location(HttpResponse<byte[]> r) {
        return r.headers().firstValue("Location").orElseThrow();
    }

    @Test
    void chunkedUploadStartedOnOneReplicaContinuesOnTheOther() {
        byte[] blob = TestContent.random(1, 3 * 1000 + 17);
        Digest digest = Digest.sha256(blob);
        HttpResponse<byte[]> post = httpA.send("POST", "/v2/app/blobs/uploads/", null);
        assertThat(post.statusCode()).isEqualTo(202);
        String upload = location(post);

        HttpResponse<byte[]> first =
                httpA.send("PATCH", upload, Arrays.copyOfRange(blob, 0, 1000), "Content-Range", "0-999");
        assertThat(first.statusCode()).isEqualTo(202);
        HttpResponse<byte[]> status = httpB.send("GET", upload, null);
        assertThat(status.statusCode()).isEqualTo(204);
        assertThat(status.headers().firstValue("Range")).contains("0-999");
        HttpResponse<byte[]> second = httpB.send(
                "PATCH", location(first), Arrays.copyOfRange(blob, 1000, 3000), "Content-Range", "1000-2999");
        assertThat(second.statusCode()).isEqualTo(202);
        // A retry of the first chunk, on either replica, is told where the upload really is.
        HttpResponse<byte[]> stale =
                httpA.send("PATCH", upload, Arrays.copyOfRange(blob, 0, 1000), "Content-Range", "0-999");
        assertThat(stale.statusCode()).isEqualTo(416);
        assertThat(stale.headers().firstValue("Range")).contains("0-2999");
        HttpResponse<byte[]> put =
                httpA.send("PUT", location(second) + "?digest=" + digest, Arrays.copyOfRange(blob, 3000, blob.length));
        assertThat(put.statusCode())
                .as(new String(put.body(), StandardCharsets.UTF_8))
                .isEqualTo(201);

        HttpResponse<byte[]> pulled = httpB.send("GET", "/v2/app/blobs/" + digest, null);
        assertThat(pulled.statusCode()).isEqualTo(200);
        assertThat(pulled.body()).isEqualTo(blob);
        assertThat(httpB.send("GET", upload, null).statusCode()).isEqualTo(404);
    }

    @Test
    void imagePushedToOneReplicaIsPulledFromTheOtherAndTagMovesAreSeenAtOnce() {
        byte[] config = TestContent.config("amd64");
        byte[] layer = TestContent.random(2, 50_000);
        monolithic(httpA, "team/app", config);
        monolithic(httpA, "team/app", layer);
        byte[] v1 = TestContent.manifest(config, layer);
        assertThat(httpA.send("PUT", "/v2/team/app/manifests/v1", v1, "Content-Type", TestContent.OCI_MANIFEST)
                        .statusCode())
                .isEqualTo(201);

        HttpResponse<byte[]> pulled =
                httpB.send("GET", "/v2/team/app/manifests/v1", null, "Accept", TestContent.OCI_MANIFEST);
        assertThat(pulled.statusCode()).isEqualTo(200);
        assertThat(pulled.body()).isEqualTo(v1);
        assertThat(httpB.send("GET", "/v2/team/app/blobs/" + Digest.sha256(layer), null)
                        .body())
                .isEqualTo(layer);
        assertThat(Http.json(httpB.send("GET", "/v2/_catalog", null))
                        .path("repositories")
                        .toString())
                .isEqualTo("[\"team/app\"]");

        // B has served v1; A moves the tag; B must not answer from memory.
        byte[] v2 = TestContent.manifest(config);
        assertThat(httpA.send("PUT", "/v2/team/app/manifests/v1", v2, "Content-Type", TestContent.OCI_MANIFEST)
                        .statusCode())
                .isEqualTo(201);
        assertThat(httpB.send("GET", "/v2/team/app/manifests/v1", null, "Accept", TestContent.OCI_MANIFEST)
                        .body())
                .isEqualTo(v2);
        assertThat(httpB.send("DELETE", "/v2/team/app/manifests/" + Digest.sha256(v2), null)
                        .statusCode())
                .isEqualTo(202);
        assertThat(httpA.send("GET", "/v2/team/app/manifests/v1", null, "Accept", TestContent.OCI_MANIFEST)
                        .statusCode())
                .isEqualTo(404);
    }

    static void monolithic(Http http, String repo, byte[] blob) {
        HttpResponse<byte[]> r = http.send(
                "POST",
                "/v2/" + repo + "/blobs/uploads/?digest=" + Digest.sha256(blob),
                blob,
                "Content-Type",
                "application/octet-stream");
        assertThat(r.statusCode())
                .as(new String(r.body(), StandardCharsets.UTF_8))
                .isEqualTo(201);
    }

    @Test
    void pullsRedirectToPresignedUrlsWhenConfigured() throws Exception {
        S3Location location = S3Location.parse(s3.bucket("registry", "replicated"));
        try (RegistryServer redirecting =
                replica(RegistryConfig.builder(location, s3.environment()).redirectPulls(Duration.ofMinutes(5)))) {
            Http http = new Http("http://" + redirecting.address());
            byte[] blob = TestContent.random(3, 70_000);
            monolithic(http, "app", blob);

            HttpResponse<byte[]> get = http.send("GET", "/v2/app/blobs/" + Digest.sha256(blob), null);
            assertThat(get.statusCode()).isEqualTo(307);
            String url = location(get);
            assertThat(url)
                    .startsWith(s3.endpoint() + "/registry/replicated/blobs/sha256/")
                    .contains("X-Amz-Signature=");
            HttpResponse<byte[]> direct = HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(direct.statusCode()).isEqualTo(200);
            assertThat(direct.body()).isEqualTo(blob);
            // HEAD still answers here, with the size, as clients expect before a pull.
            HttpResponse<byte[]> head = http.send("HEAD", "/v2/app/blobs/" + Digest.sha256(blob), null);
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.headers().firstValue("Content-Length")).contains("70000");
            // A replica without the setting serves the bytes itself.
            assertThat(httpA.send("GET", "/v2/app/blobs/" + Digest.sha256(blob), null)
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void garbageCollectionOnS3KeepsWhatManifestsReference() {
        try (RegistryServer collecting =
                replica(RegistryConfig.builder(S3Location.parse(s3.bucket("registry", "gc")), s3.environment())
                        .gcGrace(Duration.ZERO))) {
            Http http = new Http("http://" + collecting.address());
            byte[] config = TestContent.config("arm64");
            byte[] orphan = TestContent.random(4, 1000);
            monolithic(http, "app", config);
            monolithic(http, "app", orphan);
            byte[] manifest = TestContent.manifest(config);
            http.send("PUT", "/v2/app/manifests/v1", manifest, "Content-Type", TestContent.OCI_MANIFEST);

            GarbageCollector.Report report = collecting.collectGarbage();

            assertThat(report.blobsRemoved()).isEqualTo(1);
            assertThat(report.bytesFreed()).isEqualTo(1000);
            assertThat(collecting.storage().blobSize(Digest.sha256(orphan))).isEmpty();
            assertThat(collecting.storage().blobSize(Digest.sha256(config))).contains((long) config.length);
            assertThat(http.send("GET", "/v2/app/manifests/v1", null).statusCode())
                    .isEqualTo(200);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void collectionOnOneReplicaKeepsOldBlobsThatAPushOnTheOtherReliesOn() throws Exception {
        S3Location location = S3Location.parse(s3.bucket("registry", "gc-in-flight"));
        Duration grace = Duration.ofSeconds(10);
        try (RegistryServer collecting = replica(
                        RegistryConfig.builder(location, s3.environment()).gcGrace(grace));
                RegistryServer pushing = replica(RegistryConfig.builder(location, s3.environment()))) {
            Http gc = new Http("http://" + collecting.address());
            Http push = new Http("http://" + pushing.address());
            byte[] orphan = TestContent.random(5, 1000);
            byte[] uploadedAgain = TestContent.random(6, 2000);
            byte[] mounted = TestContent.random(7, 3000);
            monolithic(push, "app", orphan);
            monolithic(push, "app", uploadedAgain);
            monolithic(push, "base", mounted);
            Thread.sleep(grace.plusSeconds(2).toMillis()); // all three are now older than the grace period

            // A push on the other replica relies on two of them; its manifest is not written yet.
            monolithic(push, "app", uploadedAgain);
            HttpResponse<byte[]> mount =
                    push.send("POST", "/v2/app/blobs/uploads/?mount=" + Digest.sha256(mounted) + "&from=base", null);
            assertThat(mount.statusCode()).isEqualTo(201);
            byte[] config = TestContent.config("s390x");
            monolithic(push, "app", config);

            GarbageCollector.Report report = collecting.collectGarbage();

            assertThat(report.blobsRemoved()).isEqualTo(1);
            assertThat(collecting.storage().blobSize(Digest.sha256(orphan))).isEmpty();
            byte[] manifest = TestContent.manifest(config, uploadedAgain, mounted);
            HttpResponse<byte[]> put =
                    push.send("PUT", "/v2/app/manifests/v1", manifest, "Content-Type", TestContent.OCI_MANIFEST);
            assertThat(put.statusCode())
                    .as(new String(put.body(), StandardCharsets.UTF_8))
                    .isEqualTo(201);
            assertThat(gc.send("GET", "/v2/app/blobs/" + Digest.sha256(mounted), null)
                            .body())
                    .isEqualTo(mounted);
            assertThat(gc.send("GET", "/v2/app/blobs/" + Digest.sha256(uploadedAgain), null)
                            .body())
                    .isEqualTo(uploadedAgain);
        }
    }

    @Test
    void skopeoCopiesAnImageThroughTheS3BackedRegistry() throws Exception {
        dev.kiln.testkit.Tools.require("skopeo", "apt-get install skopeo");
        Path layout = tmp.resolve("src");
        byte[] manifest = OciLayoutFixture.singleArch(layout, 1, 3, 20_000);
        SkopeoInteropIT.skopeo(
                "copy",
                "--dest-tls-verify=false",
                "oci:" + layout + ":v1",
                "docker://" + a.address() + "/library/hello:v1");
        Path out = tmp.resolve("out");
        SkopeoInteropIT.skopeo(
                "copy",
                "--src-tls-verify=false",
                "docker://" + b.address() + "/library/hello:v1",
                "oci:" + out + ":v1");
        assertThat(Files.readAllBytes(out.resolve("blobs/sha256")
                        .resolve(Digest.sha256(manifest).hex())))
                .isEqualTo(manifest);
    }
}
