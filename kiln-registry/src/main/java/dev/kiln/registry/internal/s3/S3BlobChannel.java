package dev.kiln.registry.internal.s3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only channel over one object: a ranged GET from the current position, opened on the
 * first read and again after a seek, so serving a byte range fetches only that range.
 */
final class S3BlobChannel implements SeekableByteChannel {
    private final S3Objects objects;
    private final String path;
    private final long size;
    private long position;
    private InputStream stream;
    private boolean open = true;
    private byte[] chunk;

    S3BlobChannel(S3Objects objects, String path, long size) {
        this.objects = objects;
        this.path = path;
        this.size = size;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (position >= size) {
            return -1;
        }
        if (stream == null) {
            stream = objects.read(path, position);
        }
        int n;
        if (dst.hasArray()) {
            n = stream.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
            if (n > 0) {
                dst.position(dst.position() + n);
            }
        } else {
            if (chunk == null) {
                chunk = new byte[1 << 17];
            }
            n = stream.read(chunk, 0, Math.min(dst.remaining(), chunk.length));
            if (n > 0) {
                dst.put(chunk, 0, n);
            }
        }
        if (n > 0) {
            position += n;
        }
        return n;
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        if (newPosition != position) {
            closeStream();
            position = newPosition;
        }
        return this;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public SeekableByteChannel truncate(long newSize) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() throws IOException {
        open = false;
        closeStream();
    }

    private void closeStream() throws IOException {
        if (stream != null) {
            // Closing before the end drops the connection rather than draining the rest of the object.
            if (stream instanceof software.amazon.awssdk.core.ResponseInputStream<?> response && position < size) {
                response.abort();
            }
            stream.close();
            stream = null;
        }
    }
}
