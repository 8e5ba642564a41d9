package dev.kiln.content;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Deterministic gzip: one member per {@link #compressing} stream, header mtime 0, no file name,
 * OS byte 255 ("unknown"), fixed level and a fixed input block size, so the same input always
 * gives the same bytes with the same zlib.
 */
public final class Gzip {
    public static final int DEFAULT_LEVEL = 6;
    static final int OS_UNKNOWN = 255;
    private static final int BLOCK = 1 << 17;

    private Gzip() {}

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

    /** True when {@code head} starts with the gzip magic bytes (RFC 1952 §2.3.1): how Kiln tells a gzip stream. */
    public static boolean isGzip(byte[] head) {
        return head.length > 1 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
    }

    /** True when the stream's next bytes are the gzip magic; the stream is left where it was. */
    public static boolean isGzip(BufferedInputStream in) throws IOException {
        in.mark(2);
        byte[] head = {(byte) in.read(), (byte) in.read()};
        in.reset();
        return isGzip(head);
    }

    /**
     * The stream's content, decompressed (every member) when it is gzip and as is otherwise: a layer's media
     * type may not say (Docker archives, some registries), its first bytes do.
     */
    public static InputStream decompressingIfGzip(BufferedInputStream in) throws IOException {
        return isGzip(in) ? new GZIPInputStream(in, 1 << 16) : in;
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

    /**
     * One gzip member whose deflate stream is cut into fixed blocks compressed in parallel (the
     * technique pigz uses): each block is primed with the previous 32 KiB of input as its
     * dictionary and ends with a sync flush, the last one with the final block. The bytes depend
     * only on the input, the level and the block size, never on the number of threads, so
     * output stays reproducible while using every core.
     */
    private static final class MemberOutputStream extends OutputStream {
        private static final int DICTIONARY = 32 * 1024;
        private final OutputStream out;
        private final int level;
        private final CRC32 crc = new CRC32();
        private final Deque<Future<byte[]>> pending = new ArrayDeque<>();
        private byte[] input = new byte[BLOCK];
        private byte @Nullable [] previous;
        private int filled;
        private long total;
        private boolean closed;

        MemberOutputStream(OutputStream out, int level) {
            if (level < 0 || level > 9) {
                throw new ContentException("gzip level must be 0..9, got " + level);
            }
            this.out = out;
            this.level = level;
            int xfl = level == 9 ? 2 : level == 1 ? 4 : 0;
            try {
                out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, (byte) xfl, (byte) OS_UNKNOWN});
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void write(int b) throws IOException {
            ensureOpen();
            if (filled == input.length) {
                submitBlock(false);
            }
            input[filled++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            ensureOpen();
            while (len > 0) {
                if (filled == input.length) {
                    submitBlock(false);
                }
                int n = Math.min(len, input.length - filled);
                System.arraycopy(b, off, input, filled, n);
                filled += n;
                off += n;
                len -= n;
            }
        }

        private void submitBlock(boolean last) throws IOException {
            byte[] block = input;
            int length = filled;
            byte[] dictionary = previous;
            crc.update(block, 0, length);
            total += length;
            pending.addLast(BlockCompressor.submit(block, length, dictionary, level, last));
            previous = length >= DICTIONARY || dictionary == null ? block : null;
            input = new byte[BLOCK];
            filled = 0;
            while (pending.size() > BlockCompressor.QUEUE_DEPTH) {
                writeOldest();
            }
        }

        private void writeOldest() throws IOException {
            out.write(BlockCompressor.await(pending.removeFirst()));
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
            submitBlock(true);
            while (!pending.isEmpty()) {
                writeOldest();
            }
            long c = crc.getValue();
            out.write(new byte[] {
                (byte) c, (byte) (c >>> 8), (byte) (c >>> 16), (byte) (c >>> 24),
                (byte) total, (byte) (total >>> 8), (byte) (total >>> 16), (byte) (total >>> 24)
            });
            out.flush();
        }
    }
}
