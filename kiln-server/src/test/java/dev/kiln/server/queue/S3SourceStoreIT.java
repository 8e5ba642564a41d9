package dev.kiln.server.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.build.source.SourceCache;
import dev.kiln.build.source.SourceChecksum;
import dev.kiln.build.source.SourceFetcher;
import dev.kiln.content.Hashing;
import dev.kiln.objects.S3Location;
import dev.kiln.objects.S3Objects;
import dev.kiln.testkit.FixtureHttpServer;
import dev.kiln.testkit.S3ProxyProcess;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers over one {@code --storage s3://…} (S3Proxy on 127.0.0.1) share the upstream tarballs they fetch: each
 * worker has its own source cache; the second worker gets a tarball from the bucket, not from upstream, and bytes in
 * the bucket that do not match the recipe's checksum are never used.
 */
class S3SourceStoreIT {
    static final byte[] TARBALL = "upstream release 1.0 tarball bytes".getBytes(StandardCharsets.UTF_8);

    static SourceFetcher worker(Path dir, String name, String storage, Map<String, String> env) {
        return new SourceFetcher(
                        new SourceCache(dir.resolve(name + "/cache/sources")),
                        HttpClient.newHttpClient(),
                        false,
                        1,
                        Duration.ZERO)
                .withShared(S3SourceStore.of(storage, env));
    }

    @Test
    void aTarballOneWorkerFetchedIsReadFromTheBucketByTheNextAndCheckedThere(@TempDir Path dir) throws Exception {
        try (S3ProxyProcess s3 = S3ProxyProcess.start(dir.resolve("s3proxy"));
                FixtureHttpServer upstream = new FixtureHttpServer()) {
            String storage = s3.bucket("kiln", "catalog");
            String url = upstream.put("/hello-1.0.tar.gz", TARBALL);
            SourceChecksum sha256 = SourceChecksum.sha256(Hashing.sha256Hex(TARBALL));
            SourceChecksum sha512 =
                    SourceChecksum.sha512(Hashing.hex(Hashing.sha512().digest(TARBALL)));

            Path first = worker(dir, "one", storage, s3.environment()).fetch(url, sha256);
            assertThat(Files.readAllBytes(first)).isEqualTo(TARBALL);
            assertThat(upstream.requestCount()).isEqualTo(1);

            // another worker, empty cache: from the bucket, by either checksum a recipe may give
            Path second = worker(dir, "two", storage, s3.environment()).fetch(url, sha256);
            assertThat(Files.readAllBytes(second)).isEqualTo(TARBALL);
            Path third = worker(dir, "three", storage, s3.environment()).fetch(url, sha512);
            assertThat(Files.readAllBytes(third)).isEqualTo(TARBALL);
            assertThat(upstream.requestCount())
                    .as("no upstream request after the first")
                    .isEqualTo(1);

            // written once: a second worker's download of the same file leaves the stored object as it was
            try (S3Objects objects = S3Objects.open(S3Location.parse(storage).resolve("sources"), s3.environment())) {
                String etag =
                        objects.head("sha256/" + sha256.hex()).orElseThrow().etag();
                S3SourceStore.of(storage, s3.environment())
                        .put(new SourceCache(dir.resolve("five/cache/sources")).importFile(first));
                assertThat(objects.head("sha256/" + sha256.hex()).orElseThrow().etag())
                        .isEqualTo(etag);

                // someone swaps the stored bytes: a worker hashes them, refuses them and fetches from upstream
                objects.put(
                        "sha256/" + sha256.hex(),
                        "tampered".getBytes(StandardCharsets.UTF_8),
                        S3Objects.Precondition.NONE);
            }
            Path fourth = worker(dir, "four", storage, s3.environment()).fetch(url, sha256);
            assertThat(Files.readAllBytes(fourth)).isEqualTo(TARBALL);
            assertThat(upstream.requestCount()).isEqualTo(2);
        }
    }
}
