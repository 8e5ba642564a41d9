package dev.kiln.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class GzipTest {
    private static byte[] sample(int size, long seed) {
        Random r = new Random(seed);
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) ("abcdefgh".charAt(r.nextInt(8)) + (i % 997 == 0 ? r.nextInt(50) : 0));
        }
        return b;
    }

    @Test
    void parallelBlocksDecompressWithSystemGzipAndPinTheirBytes() throws Exception {
        // 3.5 MB: many blocks compressed on several threads, each primed with the previous 32 KiB
        byte[] data = sample(3_500_000, 7);
        byte[] gz = Gzip.compress(data, 6);
        assertThat(Gzip.compress(data, 6)).isEqualTo(gz);
        java.nio.file.Path file = java.nio.file.Files.createTempFile("kiln-gzip", ".gz");
        try {
            java.nio.file.Files.write(file, gz);
            Process p = new ProcessBuilder("gzip", "-dc", file.toString()).start();
            byte[] out = p.getInputStream().readAllBytes();
            assertThat(p.waitFor()).isZero();
            assertThat(out).isEqualTo(data);
        } finally {
            java.nio.file.Files.delete(file);
        }
        // the dictionary keeps the ratio within a percent of one deflate stream (JDK's own gzip)
        ByteArrayOutputStream single = new ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream jdk = new java.util.zip.GZIPOutputStream(single)) {
            jdk.write(data);
        }
        assertThat((double) gz.length).isLessThan(single.size() * 1.01);
        assertThat(Digest.sha256(gz).hex()).isEqualTo(GOLDEN_3_5_MB);
    }

    static final String GOLDEN_3_5_MB = "424e4f0d5175747b16ce04347147559227e264b5d53affb3d67db0721724b833";

    @Test
    void deterministicRegardlessOfWriteChunking() throws IOException {
        byte[] data = sample(700_000, 1);
        byte[] whole = Gzip.compress(data, 6);
        ByteArrayOutputStream chunked = new ByteArrayOutputStream();
        try (OutputStream gz = Gzip.compressing(chunked, 6)) {
            for (int i = 0; i < data.length; i += 777) {
                gz.write(data, i, Math.min(777, data.length - i));
            }
        }
        assertThat(chunked.toByteArray()).isEqualTo(whole);
        assertThat(whole).startsWith(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff);
        assertThat(new GZIPInputStream(new ByteArrayInputStream(whole)).readAllBytes())
                .isEqualTo(data);
        assertThat(Gzip.decompress(whole)).isEqualTo(data);
    }

    @Test
    void memberReaderSplitsAtBoundariesAndHashesRawBytes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<byte[]> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] member = Gzip.compress(sample(10_000 * (i + 1), i), 6);
            members.add(member);
            out.writeBytes(member);
        }
        out.writeBytes(Gzip.compress(new byte[0], 9));
        byte[] all = out.toByteArray();
        try (GzipMemberReader reader = new GzipMemberReader(new ByteArrayInputStream(all))) {
            long offset = 0;
            for (int i = 0; i < 3; i++) {
                assertThat(reader.hasNextMember()).isTrue();
                assertThat(reader.offset()).isEqualTo(offset);
                MessageDigest sha = Hashing.sha256();
                InputStream in = reader.nextMember(List.of(sha));
                assertThat(in.readAllBytes()).isEqualTo(sample(10_000 * (i + 1), i));
                assertThat(Hashing.hex(sha.digest())).isEqualTo(Hashing.sha256Hex(members.get(i)));
                offset += members.get(i).length;
            }
            assertThat(reader.hasNextMember()).isTrue();
            assertThat(reader.nextMember(null).readAllBytes()).isEmpty();
            assertThat(reader.hasNextMember()).isFalse();
        }
    }

    @Test
    void skippingAMemberStillHashesAllOfIt() throws IOException {
        byte[] a = Gzip.compress(sample(50_000, 7), 6);
        byte[] b = Gzip.compress(sample(10, 8), 6);
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        try (GzipMemberReader reader = new GzipMemberReader(new ByteArrayInputStream(both))) {
            MessageDigest sha = Hashing.sha256();
            reader.nextMember(List.of(sha)).read(new byte[10]);
            assertThat(reader.hasNextMember()).isTrue();
            assertThat(Hashing.hex(sha.digest())).isEqualTo(Hashing.sha256Hex(a));
            assertThat(reader.offset()).isEqualTo(a.length);
        }
    }

    @Test
    void corruptTrailerIsReported() throws IOException {
        byte[] gz = Gzip.compress(sample(1000, 3), 6);
        gz[gz.length - 6] ^= 1;
        try (GzipMemberReader reader = new GzipMemberReader(new ByteArrayInputStream(gz))) {
            InputStream in = reader.nextMember(null);
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining("CRC mismatch");
        }
        assertThatThrownBy(() -> Gzip.decompress(new byte[] {1, 2, 3}))
                .isInstanceOf(ContentException.class)
                .hasMessageContaining("not a gzip member");
    }
}
