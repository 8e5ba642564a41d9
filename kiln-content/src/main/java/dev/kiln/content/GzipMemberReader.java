package dev.kiln.content;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.jspecify.annotations.Nullable;

/**
 * Reads a sequence of gzip members one at a time, which {@link java.util.zip.GZIPInputStream}
 * cannot do (it silently joins members). Each member's raw compressed bytes, header and trailer
 * included, can be fed to message digests while it is decompressed, so APK streams are hashed
 * and unpacked in one pass.
 */
public final class GzipMemberReader implements Closeable {
    private static final int FTEXT_MASK = 0xe0;
    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;

    private final InputStream in;
    private final byte[] buf = new byte[1 << 17];
    private int pos;
    private int lim;
    private long offset;
    private List<MessageDigest> sinks = List.of();
    private @Nullable Member current;

    public GzipMemberReader(InputStream in) {
        this.in = in;
    }

    /** Offset in the underlying stream of the next unread compressed byte. */
    public long offset() {
        return offset;
    }

    /** True when more bytes follow the previous member (finishing the current member first). */
    public boolean hasNextMember() throws IOException {
        finishCurrent();
        return fill();
    }

    /**
     * Starts the next member. {@code digests} (may be null) receive every raw byte of the member.
     * The returned stream ends at the member's end; its trailer CRC and size are checked.
     */
    public InputStream nextMember(@Nullable List<MessageDigest> digests) throws IOException {
        finishCurrent();
        sinks = digests == null ? List.of() : digests;
        readHeader();
        current = new Member();
        return current;
    }

    /** Feeds every remaining raw byte to {@code digests}; used to hash past a corrupt member. */
    public long drainRaw(List<MessageDigest> digests) throws IOException {
        long n = 0;
        while (fill()) {
            for (MessageDigest d : digests) {
                d.update(buf, pos, lim - pos);
            }
            n += lim - pos;
            offset += lim - pos;
            pos = lim;
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            current.inflater.end();
        }
        in.close();
    }

    private void finishCurrent() throws IOException {
        if (current != null) {
            current.skipToEnd();
            current = null;
        }
    }

    private boolean fill() throws IOException {
        if (pos < lim) {
            return true;
        }
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        pos = 0;
        lim = n;
        return true;
    }

    private int readRawByte() throws IOException {
        if (!fill()) {
            throw new EOFException("gzip member truncated at offset " + offset);
        }
        int b = buf[pos] & 0xff;
        for (MessageDigest d : sinks) {
            d.update(buf[pos]);
        }
        pos++;
        offset++;
        return b;
    }

    private void readHeader() throws IOException {
        long start = offset;
        int id1 = readRawByte();
        int id2 = readRawByte();
        int cm = readRawByte();
        if (id1 != 0x1f || id2 != 0x8b || cm != 8) {
            throw new IOException("not a gzip member at offset " + start
                    + String.format(": expected 1f 8b 08, found %02x %02x %02x", id1, id2, cm));
        }
        int flags = readRawByte();
        if ((flags & FTEXT_MASK) != 0) {
            throw new IOException("gzip member at offset " + start + " has reserved flag bits set");
        }
        for (int i = 0; i < 6; i++) {
            readRawByte(); // mtime, xfl, os
        }
        if ((flags & FEXTRA) != 0) {
            int len = readRawByte() | (readRawByte() << 8);
            for (int i = 0; i < len; i++) {
                readRawByte();
            }
        }
        if ((flags & FNAME) != 0) {
            while (readRawByte() != 0) {
                // skip the original file name
            }
        }
        if ((flags & FCOMMENT) != 0) {
            while (readRawByte() != 0) {
                // skip the comment
            }
        }
        if ((flags & FHCRC) != 0) {
            readRawByte();
            readRawByte();
        }
    }

    private final class Member extends InputStream {
        final Inflater inflater = new Inflater(true);
        final CRC32 crc = new CRC32();
        long size;
        boolean done;

        @Override
        public int read() throws IOException {
            return InputStreams.readByte(this);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            try {
                while (true) {
                    if (inflater.needsInput()) {
                        if (!fill()) {
                            throw new EOFException("gzip member truncated at offset " + offset);
                        }
                        inflater.setInput(buf, pos, lim - pos);
                    }
                    int before = inflater.getRemaining();
                    int n = inflater.inflate(b, off, len);
                    consume(before - inflater.getRemaining());
                    if (n > 0) {
                        crc.update(b, off, n);
                        size += n;
                        if (inflater.finished()) {
                            finishMember();
                        }
                        return n;
                    }
                    if (inflater.finished()) {
                        finishMember();
                        return -1;
                    }
                    if (inflater.needsDictionary()) {
                        throw new IOException("gzip member needs a preset dictionary");
                    }
                }
            } catch (DataFormatException e) {
                throw new IOException("corrupt deflate data near offset " + offset + ": " + e.getMessage(), e);
            }
        }

        private void consume(int n) {
            for (MessageDigest d : sinks) {
                d.update(buf, pos, n);
            }
            pos += n;
            offset += n;
        }

        private void finishMember() throws IOException {
            done = true;
            inflater.end();
            long expectedCrc = readLe32();
            long expectedSize = readLe32();
            if (expectedCrc != crc.getValue()) {
                throw new IOException(String.format(
                        "gzip member CRC mismatch at offset %d: expected %08x, found %08x",
                        offset, expectedCrc, crc.getValue()));
            }
            if (expectedSize != (size & 0xffffffffL)) {
                throw new IOException("gzip member size mismatch at offset " + offset + ": expected " + expectedSize
                        + ", found " + (size & 0xffffffffL));
            }
        }

        private long readLe32() throws IOException {
            return readRawByte() | (readRawByte() << 8) | (readRawByte() << 16) | ((long) readRawByte() << 24);
        }

        void skipToEnd() throws IOException {
            byte[] scratch = new byte[1 << 16];
            while (read(scratch, 0, scratch.length) >= 0) {
                // discard
            }
        }

        @Override
        public void close() {
            // the member reader owns the underlying stream
        }
    }
}
