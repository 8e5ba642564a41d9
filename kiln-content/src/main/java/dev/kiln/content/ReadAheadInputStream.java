package dev.kiln.content;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.jspecify.annotations.Nullable;

/**
 * Reads its source on a thread of its own, a few chunks ahead of its reader, as {@code gzip -d | tar -x} runs
 * its two halves at once: whatever the source does per byte (read a file, decompress, hash, check a CRC)
 * overlaps with what the reader does with those bytes (parse, hash again, write files). The source is used
 * by that thread only until this stream reaches its end or is closed; {@link #close} stops and waits for the
 * thread without closing the source, whose owner may go on reading it afterwards. A failure of the source is
 * rethrown to the reader, at the place in the stream where it happened.
 */
public final class ReadAheadInputStream extends InputStream {
    private static final int CHUNK = 1 << 17;
    private static final int AHEAD = 8;

    /** A filled buffer, or the end of the source ({@code length < 0}), or how it failed. */
    private static final class Chunk {
        private final byte[] bytes;
        private final int length;
        private final @Nullable Throwable failure;

        Chunk(byte[] bytes, int length, @Nullable Throwable failure) {
            this.bytes = bytes;
            this.length = length;
            this.failure = failure;
        }

        byte[] bytes() {
            return bytes;
        }

        int length() {
            return length;
        }

        @Nullable
        Throwable failure() {
            return failure;
        }
    }

    private final InputStream source;
    // room for every buffer (the AHEAD ones and the one close() adds) and the end: the thread never waits to put
    private final BlockingQueue<Chunk> filled = new ArrayBlockingQueue<>(AHEAD + 2);
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(AHEAD + 1);
    private final Thread thread;
    private volatile boolean closed;
    private @Nullable Chunk current;
    private int pos;
    private boolean ended;

    public ReadAheadInputStream(InputStream source) {
        this.source = source;
        for (int i = 0; i < AHEAD; i++) {
            free.add(new byte[CHUNK]);
        }
        this.thread = new Thread(this::fill, "kiln-read-ahead");
        thread.setDaemon(true);
        thread.start();
    }

    private void fill() {
        try {
            while (true) {
                byte[] buf = free.take();
                if (closed) {
                    return;
                }
                int n = source.readNBytes(buf, 0, buf.length);
                if (n == 0) {
                    filled.put(new Chunk(buf, -1, null));
                    return;
                }
                filled.put(new Chunk(buf, n, null));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException | Error e) {
            filled.offer(new Chunk(new byte[0], -1, e));
        }
    }

    @Override
    public int read() throws IOException {
        return InputStreams.readByte(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        Chunk c = next();
        if (c == null) {
            return -1;
        }
        int n = Math.min(len, c.length() - pos);
        System.arraycopy(c.bytes(), pos, b, off, n);
        pos += n;
        if (pos == c.length()) {
            free.add(c.bytes());
            current = null;
        }
        return n;
    }

    /** The chunk to read from, waiting for the thread; null at the end. */
    private @Nullable Chunk next() throws IOException {
        if (current != null) {
            return current;
        }
        if (ended) {
            return null;
        }
        Chunk c;
        try {
            c = filled.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading ahead");
        }
        Throwable f = c.failure();
        if (f != null) {
            ended = true;
            if (f instanceof IOException io) {
                throw new IOException(io.getMessage(), io);
            }
            if (f instanceof RuntimeException re) {
                throw re;
            }
            throw (Error) f;
        }
        if (c.length() < 0) {
            ended = true;
            return null;
        }
        current = c;
        pos = 0;
        return c;
    }

    /**
     * Stops the thread after the read it is in, if any, and waits for it; the source stays open, at the end of
     * what the thread read. The thread is woken with a buffer rather than interrupted: an interrupt would close
     * a file channel under the source.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        free.add(new byte[0]);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while stopping the read-ahead thread");
        }
    }
}
