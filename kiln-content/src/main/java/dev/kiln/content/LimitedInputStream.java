package dev.kiln.content;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.jspecify.annotations.Nullable;

/**
 * A view of the next {@code length} bytes of a stream. {@link #atMost} simply stops there;
 * {@link #exactly} also fails when the underlying stream ends early, which is how a truncated
 * upload or entry is told apart from a complete one.
 */
public final class LimitedInputStream extends FilterInputStream {
    private final boolean exact;
    private final @Nullable String what;
    private long remaining;

    private LimitedInputStream(InputStream in, long length, boolean exact, @Nullable String what) {
        super(in);
        this.remaining = length;
        this.exact = exact;
        this.what = what;
    }

    /** Reads up to {@code length} bytes, then reports end of stream. */
    public static InputStream atMost(InputStream in, long length) {
        return new LimitedInputStream(in, length, false, null);
    }

    /** Reads exactly {@code length} bytes; an earlier end is an {@link EOFException} naming {@code what}. */
    public static InputStream exactly(InputStream in, long length, String what) {
        return new LimitedInputStream(in, length, true, what);
    }

    @Override
    public int read() throws IOException {
        return InputStreams.readByte(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (remaining <= 0) {
            return -1;
        }
        int n = super.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            if (exact) {
                throw new EOFException(what + " ended " + remaining + " bytes early");
            }
            return -1;
        }
        remaining -= n;
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        return super.skip(Math.min(n, remaining));
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(super.available(), remaining);
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
