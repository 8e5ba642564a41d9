package dev.kiln.registry;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.content.Digest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The distribution spec over real HTTP: every category, and every bad input with its exact status and code. */
class RegistryProtocolIT {
    @TempDir
    Path root;

    RegistryServer server;
    Http http;

    @BeforeEach
    void start() {
        server = new RegistryServer(
                        RegistryConfig.builder(root).maxManifestBytes(64 * 1024).build())
                .start();
        http = new Http("http://127.0.0.1:" + server.port());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    String upload(String repo, byte[] blob) {
        HttpResponse<byte[]> post = http.send("POST", "/v2/" + repo + "/blobs/uploads/", null);
        assertThat(post.statusCode()).isEqualTo(202);
        String location = post.headers().firstValue("Location").orElseThrow();
        HttpResponse<byte[]> put = http.send(
                "PUT", location + "?digest=" + Digest.sha256(blob), blob, "Content-Type", "application/octet-stream");
        assertThat(put.statusCode()).isEqualTo(201);
        return Digest.sha256(blob).toString();
    }

    @Test
    void pingHealthAndMetrics() {
        assertThat(http.send("GET", "/v2/", null).statusCode()).isEqualTo(200);
        assertThat(http.send("GET", "/healthz", null).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> metrics = http.send("GET", "/metrics", null);
        assertThat(new String(metrics.body(), StandardCharsets.UTF_8))
                .contains("kiln_registry_requests_total{method=\"GET\",route=\"ping\",status=\"200\"} 1");
    }

    @Test
    void monolithicUploadThenBlobHeadGetAndRange() {
        byte[] blob = TestContent.random(1, 10_000);
        String digest = upload("team/app", blob);
        HttpResponse<byte[]> head = http.send("HEAD", "/v2/team/app/blobs/" + digest, null);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Length")).hasValue("10000");
        assertThat(head.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
        assertThat(http.send("GET", "/v2/team/app/blobs/" + digest, null).body())
                .isEqualTo(blob);
        HttpResponse<byte[]> range = http.send("GET", "/v2/team/app/blobs/" + digest, null, "Range", "bytes=100-199");
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(blob, 100, 200));
        assertThat(range.headers().firstValue("Content-Range")).hasValue("bytes 100-199/10000");
        assertThat(http.send("GET", "/v2/team/app/blobs/" + digest, null, "Range", "bytes=20000-")
                        .statusCode())
                .isEqualTo(416);
        // Blobs are per repository: another repository does not see it until mounted.
        assertThat(http.send("HEAD", "/v2/other/blobs/" + digest, null).statusCode())
                .isEqualTo(404);
        HttpResponse<byte[]> mount =
                http.send("POST", "/v2/other/blobs/uploads/?mount=" + digest + "&from=team/app", null);
        assertThat(mount.statusCode()).isEqualTo(201);
        assertThat(mount.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
        assertThat(http.send("HEAD", "/v2/other/blobs/" + digest, null).statusCode())
                .isEqualTo(200);
        HttpResponse<byte[]> noMount =
                http.send("POST", "/v2/third/blobs/uploads/?mount=" + digest + "&from=nowhere", null);
        assertThat(noMount.statusCode()).isEqualTo(202);
    }

    @Test
    void singlePostAndChunkedUploadWithStatusAndOutOfOrderChunk() {
        byte[] small = TestContent.random(2, 500);
        HttpResponse<byte[]> single = http.send(
                "POST",
                "/v2/app/blobs/uploads/?digest=" + Digest.sha256(small),
                small,
                "Content-Type",
                "application/octet-stream");
        assertThat(single.statusCode()).isEqualTo(201);
        assertThat(http.send("GET", "/v2/app/blobs/" + Digest.sha256(small), null)
                        .body())
                .isEqualTo(small);

        byte[] blob = TestContent.random(3, 3000);
        String location = http.send("POST", "/v2/app/blobs/uploads/", null)
                .headers()
                .firstValue("Location")
                .orElseThrow();
        HttpResponse<byte[]> outOfOrder = http.send(
                "PATCH",
                location,
                Arrays.copyOfRange(blob, 1000, 2000),
                "Content-Range",
                "1000-1999",
                "Content-Type",
                "application/octet-stream");
        assertThat(outOfOrder.statusCode()).isEqualTo(416);
        assertThat(Http.errorCode(outOfOrder)).isEqualTo("BLOB_UPLOAD_INVALID");
        HttpResponse<byte[]> first = http.send(
                "PATCH",
                location,
                Arrays.copyOfRange(blob, 0, 1000),
                "Content-Range",
                "0-999",
                "Content-Type",
                "application/octet-stream");
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(first.headers().firstValue("Range")).hasValue("0-999");
        String next = first.headers().firstValue("Location").orElseThrow();
        assertThat(http.send("PATCH", next, Arrays.copyOfRange(blob, 0, 1000), "Content-Range", "0-999")
                        .statusCode())
                .as("retrying the same chunk")
                .isEqualTo(416);
        HttpResponse<byte[]> status = http.send("GET", next, null);
        assertThat(status.statusCode()).isEqualTo(204);
        assertThat(status.headers().firstValue("Range")).hasValue("0-999");
        assertThat(http.send("PATCH", next, Arrays.copyOfRange(blob, 1000, 2000), "Content-Range", "1000-1999")
                        .statusCode())
                .isEqualTo(202);
        HttpResponse<byte[]> done = http.send(
                "PUT",
                next + "?digest=" + Digest.sha256(blob),
                Arrays.copyOfRange(blob, 2000, 3000),
                "Content-Range",
                "2000-2999");
        assertThat(done.statusCode()).isEqualTo(201);
        assertThat(http.send("GET", "/v2/app/blobs/" + Digest.sha256(blob), null)
                        .body())
                .isEqualTo(blob);

        // Streamed: one PATCH without Content-Range, then PUT.
        byte[] streamed = TestContent.random(4, 777);
        String loc = http.send("POST", "/v2/app/blobs/uploads/", null)
                .headers()
                .firstValue("Location")
                .orElseThrow();
        assertThat(http.send("PATCH", loc, streamed).statusCode()).isEqualTo(202);
        assertThat(http.send("PUT", loc + "?digest=" + Digest.sha256(streamed), null)
                        .statusCode())
                .isEqualTo(201);
        // Cancel.
        String cancel = http.send("POST", "/v2/app/blobs/uploads/", null)
                .headers()
                .firstValue("Location")
                .orElseThrow();
        assertThat(http.send("DELETE", cancel, null).statusCode()).isEqualTo(204);
        assertThat(Http.errorCode(http.send("GET", cancel, null))).isEqualTo("BLOB_UPLOAD_UNKNOWN");
    }

    @Test
    void manifestsTagsReferrersAndDeletes() {
        byte[] config = TestContent.config("amd64");
        byte[] layer = TestContent.random(5, 2048);
        upload("app", config);
        upload("app", layer);
        byte[] manifest = TestContent.manifest(config, layer);
        String digest = Digest.sha256(manifest).toString();
        for (String tag : new String[] {"v1", "v2", "v3", "latest"}) {
            HttpResponse<byte[]> put =
                    http.send("PUT", "/v2/app/manifests/" + tag, manifest, "Content-Type", TestContent.OCI_MANIFEST);
            assertThat(put.statusCode()).isEqualTo(201);
            assertThat(put.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
        }
        HttpResponse<byte[]> get = http.send("GET", "/v2/app/manifests/v1", null, "Accept", TestContent.OCI_MANIFEST);
        assertThat(get.body()).isEqualTo(manifest);
        assertThat(get.headers().firstValue("Content-Type")).hasValue(TestContent.OCI_MANIFEST);
        assertThat(http.send("HEAD", "/v2/app/manifests/" + digest, null)
                        .headers()
                        .firstValue("Content-Length"))
                .hasValue(Integer.toString(manifest.length));

        HttpResponse<byte[]> page = http.send("GET", "/v2/app/tags/list?n=2", null);
        assertThat(Http.json(page).path("tags").toString()).isEqualTo("[\"latest\",\"v1\"]");
        assertThat(page.headers().firstValue("Link")).hasValue("</v2/app/tags/list?n=2&last=v1>; rel=\"next\"");
        assertThat(Http.json(http.send("GET", "/v2/app/tags/list?n=2&last=v1", null))
                        .path("tags")
                        .toString())
                .isEqualTo("[\"v2\",\"v3\"]");
        assertThat(Http.json(http.send("GET", "/v2/app/tags/list?n=0", null))
                        .path("tags")
                        .size())
                .isZero();
        assertThat(Http.errorCode(http.send("GET", "/v2/nothing/tags/list", null)))
                .isEqualTo("NAME_UNKNOWN");
        assertThat(Http.json(http.send("GET", "/v2/_catalog", null))
                        .path("repositories")
                        .toString())
                .isEqualTo("[\"app\"]");

        // Referrers: an artifact with subject, pushed by digest with ?tag=.
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        upload("app", empty);
        byte[] sbom = "{\"spdxVersion\":\"SPDX-2.3\"}".getBytes(StandardCharsets.UTF_8);
        upload("app", sbom);
        byte[] artifact = ("{\"schemaVersion\":2,\"mediaType\":\"" + TestContent.OCI_MANIFEST
                        + "\",\"artifactType\":\"application/spdx+json\","
                        + "\"config\":" + TestContent.descriptor("application/vnd.oci.empty.v1+json", empty)
                        + ",\"layers\":[" + TestContent.descriptor("application/spdx+json", sbom) + "],"
                        + "\"subject\":{\"mediaType\":\"" + TestContent.OCI_MANIFEST + "\",\"digest\":\"" + digest
                        + "\",\"size\":" + manifest.length + "},"
                        + "\"annotations\":{\"org.example\":\"yes\"}}")
                .getBytes(StandardCharsets.UTF_8);
        String artifactDigest = Digest.sha256(artifact).toString();
        HttpResponse<byte[]> put = http.send(
                "PUT",
                "/v2/app/manifests/" + artifactDigest + "?tag=sbom&tag=sbom-latest",
                artifact,
                "Content-Type",
                TestContent.OCI_MANIFEST);
        assertThat(put.statusCode()).isEqualTo(201);
        assertThat(put.headers().firstValue("OCI-Subject")).hasValue(digest);
        assertThat(put.headers().firstValue("OCI-Tag")).hasValue("sbom,sbom-latest");
        HttpResponse<byte[]> refs = http.send("GET", "/v2/app/referrers/" + digest, null);
        assertThat(refs.statusCode()).isEqualTo(200);
        assertThat(refs.headers().firstValue("Content-Type")).hasValue(TestContent.OCI_INDEX);
        assertThat(Http.json(refs)
                        .path("manifests")
                        .path(0)
                        .path("artifactType")
                        .asText())
                .isEqualTo("application/spdx+json");
        assertThat(Http.json(refs)
                        .path("manifests")
                        .path(0)
                        .path("annotations")
                        .path("org.example")
                        .asText())
                .isEqualTo("yes");
        HttpResponse<byte[]> filtered =
                http.send("GET", "/v2/app/referrers/" + digest + "?artifactType=application/other", null);
        assertThat(filtered.headers().firstValue("OCI-Filters-Applied")).hasValue("artifactType");
        assertThat(Http.json(filtered).path("manifests").size()).isZero();
        assertThat(Http.json(http.send("GET", "/v2/app/referrers/sha256:" + "0".repeat(64), null))
                        .path("manifests")
                        .size())
                .isZero();

        // Deletes.
        assertThat(http.send("DELETE", "/v2/app/manifests/v3", null).statusCode())
                .isEqualTo(202);
        assertThat(Http.errorCode(http.send("GET", "/v2/app/manifests/v3", null)))
                .isEqualTo("MANIFEST_UNKNOWN");
        assertThat(http.send("DELETE", "/v2/app/manifests/" + artifactDigest, null)
                        .statusCode())
                .isEqualTo(202);
        assertThat(http.send("GET", "/v2/app/manifests/sbom", null).statusCode())
                .isEqualTo(404);
        assertThat(Http.json(http.send("GET", "/v2/app/referrers/" + digest, null))
                        .path("manifests")
                        .size())
                .isZero();
        assertThat(http.send("DELETE", "/v2/app/blobs/" + Digest.sha256(sbom), null)
                        .statusCode())
                .isEqualTo(202);
        assertThat(http.send("GET", "/v2/app/blobs/" + Digest.sha256(sbom), null)
                        .statusCode())
                .isEqualTo(404);
        assertThat(http.send("DELETE", "/v2/app/manifests/" + digest, null).statusCode())
                .isEqualTo(202);
        assertThat(http.send("GET", "/v2/app/manifests/latest", null).statusCode())
                .isEqualTo(404);
        assertThat(Http.json(http.send("GET", "/v2/app/tags/list", null))
                        .path("tags")
                        .size())
                .isZero();
    }

    @Test
    void multiArchIndexNeedsItsChildren() {
        byte[] config = TestContent.config("arm64");
        upload("app", config);
        byte[] child = TestContent.manifest(config);
        String index = "{\"schemaVersion\":2,\"mediaType\":\"" + TestContent.OCI_INDEX + "\",\"manifests\":["
                + TestContent.descriptor(TestContent.OCI_MANIFEST, child) + "]}";
        HttpResponse<byte[]> early = http.send(
                "PUT",
                "/v2/app/manifests/multi",
                index.getBytes(StandardCharsets.UTF_8),
                "Content-Type",
                TestContent.OCI_INDEX);
        assertThat(early.statusCode()).isEqualTo(400);
        assertThat(Http.errorCode(early)).isEqualTo("MANIFEST_BLOB_UNKNOWN");
        assertThat(http.send(
                                "PUT",
                                "/v2/app/manifests/" + Digest.sha256(child),
                                child,
                                "Content-Type",
                                TestContent.OCI_MANIFEST)
                        .statusCode())
                .isEqualTo(201);
        assertThat(http.send(
                                "PUT",
                                "/v2/app/manifests/multi",
                                index.getBytes(StandardCharsets.UTF_8),
                                "Content-Type",
                                TestContent.OCI_INDEX)
                        .statusCode())
                .isEqualTo(201);
    }

    // ---- bad input: exact status, exact code, nothing stored ----

    @Test
    void digestMismatchIsRejectedAndNothingStored() throws Exception {
        byte[] blob = TestContent.random(6, 100);
        String location = http.send("POST", "/v2/app/blobs/uploads/", null)
                .headers()
                .firstValue("Location")
                .orElseThrow();
        HttpResponse<byte[]> put =
                http.send("PUT", location + "?digest=" + Digest.sha256("other".getBytes(UTF_8)), blob);
        assertThat(put.statusCode()).isEqualTo(400);
        assertThat(Http.errorCode(put)).isEqualTo("DIGEST_INVALID");
        assertThat(http.send("HEAD", "/v2/app/blobs/" + Digest.sha256(blob), null)
                        .statusCode())
                .isEqualTo(404);
        assertThat(storedBlobs()).isZero();
    }

    @Test
    void wrongContentRangeIsRejected() {
        String location = http.send("POST", "/v2/app/blobs/uploads/", null)
                .headers()
                .firstValue("Location")
                .orElseThrow();
        HttpResponse<byte[]> bad = http.send("PATCH", location, new byte[10], "Content-Range", "5-14");
        assertThat(bad.statusCode()).isEqualTo(416);
        assertThat(Http.errorCode(bad)).isEqualTo("BLOB_UPLOAD_INVALID");
        HttpResponse<byte[]> garbage = http.send("PATCH", location, new byte[10], "Content-Range", "bytes=x");
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(Http.errorCode(garbage)).isEqualTo("BLOB_UPLOAD_INVALID");
        HttpResponse<byte[]> mismatch = http.send("PATCH", location, new byte[10], "Content-Range", "0-19");
        assertThat(mismatch.statusCode()).isEqualTo(416);
        assertThat(http.send("GET", location, null).headers().firstValue("Range"))
                .hasValue("0-0");
    }

    @Test
    void contentRangeEndingAtLongMaxIsRefusedNotWrapped() throws Exception {
        String location = http.send("POST", "/v2/app/blobs/uploads/", null)
                .headers()
                .firstValue("Location")
                .orElseThrow();
        // Chunked, so no Content-Length can catch the wrapped length: only the range check stands in the way.
        HttpRequest request = HttpRequest.newBuilder(URI.create(http.base + location))
                .header("Content-Range", "0-9223372036854775807")
                .method("PATCH", HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[10])))
                .build();
        // The registry refuses before reading the body and closes the connection; when the close overtakes the
        // client's last body bytes, the client sees a reset instead of the 400. Either way nothing was written
        // (checked below); retry until the answer itself is seen.
        HttpResponse<byte[]> r = null;
        for (int attempt = 0; r == null; attempt++) {
            try {
                r = http.client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                if (attempt == 4) {
                    throw e;
                }
            }
        }
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.errorCode(r)).isEqualTo("BLOB_UPLOAD_INVALID");
        assertThat(http.send("GET", location, null).headers().firstValue("Range"))
                .hasValue("0-0");
    }

    @Test
    void readsOfAReferenceThatIsNeitherTagNorDigestAre404ButPutStays400() {
        for (String ref : new String[] {"-bad", "sha256:xyz", "a%20b", "x".repeat(129)}) {
            for (String method : new String[] {"GET", "HEAD"}) {
                HttpResponse<byte[]> r = http.send(method, "/v2/app/manifests/" + ref, null);
                assertThat(r.statusCode()).as(method + " " + ref).isEqualTo(404);
                if (method.equals("GET")) {
                    assertThat(Http.errorCode(r)).as(ref).isEqualTo("MANIFEST_UNKNOWN");
                }
            }
        }
        HttpResponse<byte[]> put = http.send(
                "PUT", "/v2/app/manifests/-bad", "{}".getBytes(UTF_8), "Content-Type", TestContent.OCI_MANIFEST);
        assertThat(put.statusCode()).isEqualTo(400);
        assertThat(Http.errorCode(put)).isEqualTo("MANIFEST_INVALID");
    }

    @Test
    void manifestWithADuplicateKeyIsRefusedNamingTheKey() throws Exception {
        byte[] config = TestContent.config("amd64");
        byte[] layer = TestContent.random(8, 100);
        upload("app", config);
        upload("app", layer);
        String valid = new String(TestContent.manifest(config, layer), StandardCharsets.UTF_8);
        // A second "layers" key: a last-wins parser sees no layers, a first-wins parser sees one.
        String twice = valid.substring(0, valid.length() - 1) + ",\"layers\":[]}";
        HttpResponse<byte[]> put = http.send(
                "PUT",
                "/v2/app/manifests/v1",
                twice.getBytes(StandardCharsets.UTF_8),
                "Content-Type",
                TestContent.OCI_MANIFEST);
        assertThat(put.statusCode()).isEqualTo(400);
        assertThat(Http.errorCode(put)).isEqualTo("MANIFEST_INVALID");
        assertThat(Http.json(put).path("errors").path(0).path("message").asText())
                .contains("'layers'");
        assertThat(server.storage().manifests("app")).isEmpty();
        assertThat(http.send(
                                "PUT",
                                "/v2/app/manifests/v1",
                                valid.getBytes(StandardCharsets.UTF_8),
                                "Content-Type",
                                TestContent.OCI_MANIFEST)
                        .statusCode())
                .isEqualTo(201);
    }

    @Test
    void manifestWithUnknownBlobIsRejected() throws Exception {
        byte[] manifest = TestContent.manifest(TestContent.config("amd64"), TestContent.random(7, 10));
        HttpResponse<byte[]> put =
                http.send("PUT", "/v2/app/manifests/v1", manifest, "Content-Type", TestContent.OCI_MANIFEST);
        assertThat(put.statusCode()).isEqualTo(400);
        assertThat(Http.errorCode(put)).isEqualTo("MANIFEST_BLOB_UNKNOWN");
        assertThat(http.send("GET", "/v2/app/manifests/v1", null).statusCode()).isEqualTo(404);
        assertThat(storedBlobs()).isZero();
    }

    @Test
    void malformedManifestsAreRejected() throws Exception {
        for (String body : new String[] {
            "{not json",
            "[]",
            "{\"schemaVersion\":1}",
            "{\"schemaVersion\":2,\"mediaType\":\"" + TestContent.OCI_INDEX + "\",\"manifests\":[]}",
            "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"sha256:12\",\"size\":1},\"layers\":[]}"
        }) {
            HttpResponse<byte[]> put = http.send(
                    "PUT",
                    "/v2/app/manifests/v1",
                    body.getBytes(StandardCharsets.UTF_8),
                    "Content-Type",
                    TestContent.OCI_MANIFEST);
            assertThat(put.statusCode()).as(body).isEqualTo(400);
            assertThat(Http.errorCode(put)).as(body).isEqualTo("MANIFEST_INVALID");
        }
        HttpResponse<byte[]> wrongDigest = http.send(
                "PUT",
                "/v2/app/manifests/sha256:" + "a".repeat(64),
                "{}".getBytes(StandardCharsets.UTF_8),
                "Content-Type",
                TestContent.OCI_MANIFEST);
        assertThat(Http.errorCode(wrongDigest)).isEqualTo("DIGEST_INVALID");
        HttpResponse<byte[]> badDigest = http.send("GET", "/v2/app/blobs/sha256:xyz", null);
        assertThat(badDigest.statusCode()).isEqualTo(400);
        assertThat(Http.errorCode(badDigest)).isEqualTo("DIGEST_INVALID");
        assertThat(storedBlobs()).isZero();
        assertThat(server.storage().repositories()).isEmpty();
    }

    @Test
    void oversizedManifestIs413() throws Exception {
        byte[] big = new byte[65 * 1024];
        Arrays.fill(big, (byte) ' ');
        HttpResponse<byte[]> put =
                http.send("PUT", "/v2/app/manifests/v1", big, "Content-Type", TestContent.OCI_MANIFEST);
        assertThat(put.statusCode()).isEqualTo(413);
        assertThat(Http.errorCode(put)).isEqualTo("SIZE_INVALID");
        assertThat(storedBlobs()).isZero();
    }

    @Test
    void invalidNamesAreRejected() throws Exception {
        for (String path : new String[] {
            "/v2/../x/manifests/latest",
            "/v2/UPPER/manifests/latest",
            "/v2/a/../../b/blobs/uploads/",
            "/v2/a//b/tags/list"
        }) {
            HttpResponse<byte[]> r = http.send(path.endsWith("uploads/") ? "POST" : "GET", path, null);
            assertThat(r.statusCode()).as(path).isEqualTo(400);
            assertThat(Http.errorCode(r)).as(path).isEqualTo("NAME_INVALID");
        }
        HttpResponse<byte[]> badTag = http.send(
                "PUT", "/v2/app/manifests/-bad", "{}".getBytes(UTF_8), "Content-Type", TestContent.OCI_MANIFEST);
        assertThat(badTag.statusCode()).isEqualTo(400);
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.filter(Files::isRegularFile).count()).isZero();
        }
    }

    private long storedBlobs() throws Exception {
        try (Stream<Path> files = Files.walk(root.resolve("blobs"))) {
            return files.filter(Files::isRegularFile).count();
        }
    }
}
