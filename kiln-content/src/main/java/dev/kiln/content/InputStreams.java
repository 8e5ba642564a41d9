package dev.kiln.content;

import java.io.IOException;
import java.io.InputStream;

/** Derived behaviour for input streams whose real work is in {@code read(byte[], int, int)}. */
public final class InputStreams {
    private InputStreams() {}

    /**
     * The single-byte {@link InputStream#read()} in terms of the stream's own bulk read, for streams
     * that count, hash or limit what passes through and so must not bypass their bulk read.
     */
    public static int readByte(InputStream in) throws IOException {
        byte[] one = new byte[1];
        return in.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }
}
