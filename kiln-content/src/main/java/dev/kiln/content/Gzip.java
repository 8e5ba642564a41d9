package dev.kiln.content;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Deterministic gzip: one member per {@link #compressing} stream, header mtime 0, no file name,
 * OS byte 255 ("unknown"), fixed level and a fixed input block size, so the same input always
 * gives the same bytes with the same zlib.
 */
public final class Gzip {
    public static final int DEFAULT_LEVEL = 6;
    static final int OS_UNKNOWN = 255;
    private static final int BLOCK = 1 << 17;

    private Gzip() {
    }

    /**
     * Returns a stream that compresses everything written to it into one gzip member on
     * {@code out}. {@code close()} finishes the member and flushes {@code out} but does NOT close
     * it, so several members can be written back to back (as APK files need).
     */
    public static OutputStream compressing(OutputStream out, int level) {
        return new MemberOutputStream(out, level);
    }

    public static byte[] compress(byte[] data, int level) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(data.length / 3 + 64);
        try (OutputStream gz = compressing(bytes, level)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Decompresses all members of {@code gz} and concatenates their content. */
    public static byte[] decompress(byte[] gz) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(gz.length * 3 + 64);
        try (GzipMemberReader reader = new GzipMemberReader(new ByteArrayInputStream(gz))) {
            while (reader.hasNextMember()) {
                try (InputStream member = reader.nextMember(null)) {
                    member.transferTo(out);
                }
            }
        } catch (IOException e) {
            throw new ContentException("cannot decompress gzip data: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private static final class MemberOutputStream extends OutputStream {
        private final OutputStream out;
        private final Deflater deflater;
        private final CRC32 crc = new CRC32();
        private final byte[] input = new byte[BLOCK];
        private final byte[] output = new byte[BLOCK];
        private int filled;
        private long total;
        private boolean closed;

        MemberOutputStream(OutputStream out, int level) {
            if (level < 0 || level > 9) {
                throw new ContentException("gzip level must be 0..9, got " + level);
            }
            this.out = out;
            this.deflater = new Deflater(level, true);
            int xfl = level == 9 ? 2 : level == 1 ? 4 : 0;
            try {
                out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, (byte) xfl, (byte) OS_UNKNOWN});
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void write(int b) throws IOException {
            if (filled == input.length) {
                deflateBlock();
            }
            input[filled++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            ensureOpen();
            while (len > 0) {
                if (filled == input.length) {
                    deflateBlock();
                }
                int n = Math.min(len, input.length - filled);
                System.arraycopy(b, off, input, filled, n);
                filled += n;
                off += n;
                len -= n;
            }
        }

        /** Feeds exactly one full (or the final) input block, keeping the deflate input layout fixed. */
        private void deflateBlock() throws IOException {
            crc.update(input, 0, filled);
            total += filled;
            deflater.setInput(input, 0, filled);
            while (!deflater.needsInput()) {
                drain();
            }
            filled = 0;
        }

        private void drain() throws IOException {
            int n = deflater.deflate(output, 0, output.length, Deflater.NO_FLUSH);
            if (n > 0) {
                out.write(output, 0, n);
            }
        }

        private void ensureOpen() throws IOException {
            if (closed) {
                throw new IOException("gzip member already finished");
            }
        }

        @Override
        public void flush() {
            // flushing mid-member would change the compressed bytes; only close() emits everything
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (filled > 0) {
                    deflateBlock();
                }
                deflater.finish();
                while (!deflater.finished()) {
                    drain();
                }
                long c = crc.getValue();
                out.write(new byte[] {
                    (byte) c, (byte) (c >>> 8), (byte) (c >>> 16), (byte) (c >>> 24),
                    (byte) total, (byte) (total >>> 8), (byte) (total >>> 16), (byte) (total >>> 24)});
                out.flush();
            } finally {
                deflater.end();
            }
        }
    }
}
