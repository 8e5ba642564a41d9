package dev.kiln.build.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.build.BuildException;
import dev.kiln.content.Hashing;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SourceFetcher} with a shared store: asked after the cache, trusted only by checksum, fed by downloads. */
class SharedSourcesTest {
    static final byte[] TARBALL = "release tarball".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    /** A shared store in memory, keyed as S3SourceStore keys its objects. */
    static final class MemorySources implements SharedSources {
        final Map<String, byte[]> objects = new HashMap<>();

        @Override
        public Optional<InputStream> open(SourceChecksum checksum) {
            return Optional.ofNullable(objects.get(checksum.toString())).map(ByteArrayInputStream::new);
        }

        @Override
        public void put(SourceCache.Imported file) {
            try {
                objects.putIfAbsent(file.sha256().toString(), Files.readAllBytes(file.path()));
                objects.putIfAbsent(file.sha512().toString(), Files.readAllBytes(file.path()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    SourceFetcher fetcher(String name, SharedSources shared, boolean offline) {
        return new SourceFetcher(
                        new SourceCache(tmp.resolve(name)), HttpClient.newHttpClient(), offline, 1, Duration.ZERO)
                .withShared(shared);
    }

    @Test
    void aDownloadIsSharedAndAnotherMachineReadsItWithoutTheUpstream() throws Exception {
        Path upstream = Files.write(tmp.resolve("hello-1.0.tar.gz"), TARBALL);
        SourceChecksum sha256 = SourceChecksum.sha256(Hashing.sha256Hex(TARBALL));
        MemorySources shared = new MemorySources();

        fetcher("one", shared, false).fetch(upstream.toUri().toString(), sha256);
        assertThat(shared.objects).containsKey(sha256.toString());

        // the upstream is gone and the second machine is offline: the shared store still serves it
        Files.delete(upstream);
        Path fetched = fetcher("two", shared, true).fetch(upstream.toUri().toString(), sha256);
        assertThat(Files.readAllBytes(fetched)).isEqualTo(TARBALL);
    }

    @Test
    void bytesThatDoNotHashToTheChecksumAreNotUsed() throws Exception {
        Path upstream = Files.write(tmp.resolve("hello-1.0.tar.gz"), TARBALL);
        SourceChecksum sha256 = SourceChecksum.sha256(Hashing.sha256Hex(TARBALL));
        MemorySources shared = new MemorySources();
        shared.objects.put(sha256.toString(), "tampered".getBytes(StandardCharsets.UTF_8));

        Path fetched = fetcher("one", shared, false).fetch(upstream.toUri().toString(), sha256);
        assertThat(Files.readAllBytes(fetched)).isEqualTo(TARBALL);

        Files.delete(upstream);
        assertThatThrownBy(() ->
                        fetcher("two", shared, true).fetch(upstream.toUri().toString(), sha256))
                .isInstanceOf(BuildException.class)
                .hasMessageContaining("not in the source cache");
    }
}
