package dev.kiln.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReadAheadInputStreamTest {
    private static final byte[] BYTES = new Random(42)
            .ints(3_000_000, 0, 256)
            .collect(java.io.ByteArrayOutputStream::new, (o, b) -> o.write(b), (a, b) -> {})
            .toByteArray();

    @Test
    void readsTheSourceBytesInOrder() throws IOException {
        try (InputStream in = new ReadAheadInputStream(new ByteArrayInputStream(BYTES))) {
            assertThat(in.readAllBytes()).isEqualTo(BYTES);
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void closingEarlyLeavesTheSourceReadableWhereTheThreadStopped() throws IOException {
        ByteArrayInputStream source = new ByteArrayInputStream(BYTES);
        byte[] head;
        try (InputStream in = new ReadAheadInputStream(source)) {
            head = in.readNBytes(1000);
        }
        int consumedByThread = BYTES.length - source.available();
        assertThat(head).isEqualTo(java.util.Arrays.copyOf(BYTES, 1000));
        assertThat(source.readAllBytes())
                .isEqualTo(java.util.Arrays.copyOfRange(BYTES, consumedByThread, BYTES.length));
    }

    @Test
    void aFailureOfTheSourceReachesTheReaderAfterTheBytesBeforeIt() throws IOException {
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                return InputStreams.readByte(this);
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                throw new IOException("corrupt deflate data near offset 7");
            }
        };
        try (InputStream in = new ReadAheadInputStream(
                new SequenceInputStream(new ByteArrayInputStream(new byte[] {1, 2, 3}), failing))) {
            assertThatThrownBy(in::readAllBytes)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("corrupt deflate data near offset 7");
        }
    }
}
