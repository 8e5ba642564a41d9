package dev.kiln.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.objects.S3Objects.Precondition;
import dev.kiln.testkit.S3ProxyProcess;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conditional requests the stores rely on, against S3Proxy: the registry (between replicas), the
 * build outputs and the APK repository are only as safe as the server's handling of {@code If-None-Match: *} and {@code If-Match}.
 */
class S3ObjectsIT {
    @TempDir
    static Path tmp;

    static S3ProxyProcess s3;
    static S3Objects objects;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3ProxyProcess.start(tmp.resolve("s3proxy"));
        objects = S3Objects.open(S3Location.parse(s3.bucket("conditional", "p")), s3.environment());
    }

    @AfterAll
    static void stop() {
        objects.close();
        s3.close();
    }

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void channelSizeAndBytesComeFromOneGet() throws Exception {
        byte[] body = text("served whole, sized by the same response");
        objects.put("whole", body, Precondition.NONE);
        try (SeekableByteChannel channel = objects.channel("whole")) {
            assertThat(channel.size()).isEqualTo(body.length);
            // The size came with the GET that carries the bytes (no HEAD before it), so the object
            // going away now changes neither: a reader sees one version, sized and served by one request.
            assertThat(objects.delete("whole", Precondition.NONE)).isTrue();
            ByteBuffer read = ByteBuffer.allocate(256);
            while (channel.read(read) > 0) {
                // until the end
            }
            assertThat(Arrays.copyOf(read.array(), read.position())).isEqualTo(body);
        }
        assertThatThrownBy(() -> objects.channel("whole").size()).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void directBuffersAreReadFromThePresignedGetsSocket() throws Exception {
        // 3 MiB and a few bytes: several socket reads, a body larger than the response head's buffer
        byte[] body = new byte[(3 << 20) + 17];
        new java.util.Random(7).nextBytes(body);
        objects.put("socket", body, Precondition.NONE);
        try (SocketGet get = objects.socketGet("socket", 0)) {
            assertThat(get)
                    .as("a plain-HTTP endpoint answers a presigned GET plainly")
                    .isNotNull();
            assertThat(get.length()).isEqualTo(body.length);
            assertThat(readAll(get, (1 << 20) + 3)).isEqualTo(body);
            assertThat(get.read(ByteBuffer.allocateDirect(16))).isEqualTo(-1);
        }
        try (SocketGet tail = objects.socketGet("socket", 1000)) {
            assertThat(tail).isNotNull();
            assertThat(readAll(tail, 1 << 16)).isEqualTo(Arrays.copyOfRange(body, 1000, body.length));
        }
        try (SeekableByteChannel channel = objects.channel("socket")) {
            assertThat(channel.size()).isEqualTo(body.length);
            channel.position(body.length - 10);
            ByteBuffer end = ByteBuffer.allocateDirect(64);
            assertThat(channel.read(end)).isEqualTo(10);
            byte[] last = new byte[10];
            end.flip().get(last);
            assertThat(last).isEqualTo(Arrays.copyOfRange(body, body.length - 10, body.length));
            assertThat(channel.read(end.clear())).isEqualTo(-1);
        }
    }

    @Test
    void anythingButThePlainAnswerIsLeftToTheSdk() throws Exception {
        objects.put("small", text("twelve bytes"), Precondition.NONE);
        objects.put("empty", new byte[0], Precondition.NONE);
        assertThat(objects.socketGet("absent", 0))
                .as("404: the SDK names the missing key")
                .isNull();
        assertThat(objects.socketGet("small", 12))
                .as("416: a range past the end")
                .isNull();
        try (SocketGet empty = objects.socketGet("empty", 0)) {
            assertThat(empty).isNotNull();
            assertThat(empty.read(ByteBuffer.allocateDirect(16))).isEqualTo(-1);
        }
        try (SeekableByteChannel channel = objects.channel("absent")) {
            assertThatThrownBy(() -> channel.read(ByteBuffer.allocateDirect(16)))
                    .isInstanceOf(NoSuchFileException.class)
                    .hasMessageContaining("absent");
        }
        try (SeekableByteChannel channel = objects.channel("small")) {
            ByteBuffer read = ByteBuffer.allocateDirect(64);
            while (channel.read(read) > 0) {
                // the whole body came with the response head
            }
            byte[] bytes = new byte[read.flip().remaining()];
            read.get(bytes);
            assertThat(bytes).isEqualTo(text("twelve bytes"));
        }
    }

    private static byte[] readAll(SocketGet get, int bufferSize) throws java.io.IOException {
        var out = new java.io.ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocateDirect(bufferSize);
        byte[] copy = new byte[bufferSize];
        while (get.read(buffer.clear()) >= 0) {
            int n = buffer.flip().remaining();
            buffer.get(copy, 0, n);
            out.write(copy, 0, n);
        }
        return out.toByteArray();
    }

    @Test
    void createIfAbsentWritesOnce() {
        assertThat(objects.put("once", text("first"), Precondition.ABSENT)).isPresent();
        assertThat(objects.put("once", text("second"), Precondition.ABSENT)).isEmpty();
        assertThat(objects.get("once").orElseThrow().bytes()).isEqualTo(text("first"));
    }

    @Test
    void replaceAndDeleteNeedTheVersionRead() {
        String v1 = objects.put("tag", text("one"), Precondition.ABSENT).orElseThrow();
        String v2 = objects.put("tag", text("two"), Precondition.matching(v1)).orElseThrow();

        assertThat(objects.put("tag", text("lost update"), Precondition.matching(v1)))
                .isEmpty();
        assertThat(objects.delete("tag", Precondition.matching(v1))).isFalse();
        assertThat(objects.get("tag").orElseThrow().bytes()).isEqualTo(text("two"));
        assertThat(objects.delete("tag", Precondition.matching(v2))).isTrue();
        assertThat(objects.get("tag")).isEmpty();
    }

    @Test
    void racingCreatorsHaveOneWinner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 5; round++) {
                String key = "race-" + round;
                List<Callable<Optional<String>>> writers = new ArrayList<>();
                for (int w = 0; w < 8; w++) {
                    byte[] body = text("writer " + w);
                    writers.add(() -> objects.put(key, body, Precondition.ABSENT));
                }
                int winners = 0;
                for (Future<Optional<String>> f : pool.invokeAll(writers)) {
                    winners += f.get().isPresent() ? 1 : 0;
                }
                assertThat(winners).as("writers that created %s", key).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Writers replacing one version at the same moment: one wins. S3 decides the condition and the write as one
     * step; S3Proxy does not (it reads the ETag, then writes), so this runs through the test kit's front that
     * serialises conditional writes, and checks the client's side: the precondition sent, the 412 read as a loss.
     */
    @Test
    void racingReplacersOfOneVersionHaveOneWinner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (S3Objects atomic =
                S3Objects.open(S3Location.parse(s3.bucket("conditional", "p")), s3.atomicEnvironment())) {
            for (int round = 0; round < 5; round++) {
                String key = "replace-" + round;
                String version =
                        atomic.put(key, text("start"), Precondition.NONE).orElseThrow();
                List<Callable<Optional<String>>> writers = new ArrayList<>();
                for (int w = 0; w < 8; w++) {
                    byte[] body = text("writer " + w);
                    writers.add(() -> atomic.put(key, body, Precondition.matching(version)));
                }
                int winners = 0;
                for (Future<Optional<String>> f : pool.invokeAll(writers)) {
                    winners += f.get().isPresent() ? 1 : 0;
                }
                assertThat(winners).as("writers that replaced %s", key).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void composedObjectIsWholeAndMissingSourceLeavesNothing() {
        byte[] big = new byte[(int) S3Objects.MIN_PART];
        java.util.Arrays.fill(big, (byte) 'a');
        objects.put("src/1", big, Precondition.NONE);
        objects.put("src/2", text("tail"), Precondition.NONE);
        objects.compose(List.of("src/1", "src/2"), "joined");
        assertThat(objects.head("joined").orElseThrow().size()).isEqualTo(big.length + 4L);

        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> objects.compose(List.of("src/1", "src/missing"), "broken"))
                .hasMessageContaining("broken");
        assertThat(objects.head("broken")).isEmpty();
    }
}
