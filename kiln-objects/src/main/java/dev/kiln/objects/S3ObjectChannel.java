package dev.kiln.objects;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * A read-only channel over one object: a ranged GET from the current position, opened on the
 * first read and again after a seek, so serving a byte range fetches only that range. The size
 * comes from that GET's response when it is open or can be opened at the start, so a caller that
 * asks for the size and then reads the whole object sends one request; only a size asked for at
 * another position costs a HEAD. A missing object fails with {@link NoSuchFileException}.
 */
final class S3ObjectChannel implements SeekableByteChannel {
    private final S3Objects objects;
    private final String path;
    private long size = -1;
    private long position;
    private @Nullable ResponseInputStream<GetObjectResponse> stream;
    /** The open read when it came from the socket directly instead of through the SDK. */
    private @Nullable SocketGet direct;

    private long streamEnd;
    private boolean open = true;
    private byte @Nullable [] chunk;

    S3ObjectChannel(S3Objects objects, String path) {
        this.objects = objects;
        this.path = path;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!reading() && position > 0 && position >= size()) {
            return -1; // a range request past the end would be refused with 416
        }
        if (!reading()) {
            open();
        }
        int n;
        SocketGet direct = this.direct;
        ResponseInputStream<GetObjectResponse> stream = this.stream;
        if (direct != null) {
            n = direct.read(dst);
        } else if (stream == null) {
            throw new IllegalStateException("opened without a stream");
        } else if (dst.hasArray()) {
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

    private boolean reading() {
        return stream != null || direct != null;
    }

    private void open() throws IOException {
        SocketGet socket = objects.socketGet(path, position);
        if (socket != null) {
            opened(socket.length());
            direct = socket;
            return;
        }
        ResponseInputStream<GetObjectResponse> opened;
        try {
            opened = objects.request(path, position);
        } catch (ObjectStoreException e) {
            if (e.getCause() instanceof NoSuchKeyException) {
                throw new NoSuchFileException(objects.describe(path));
            }
            throw e;
        }
        Long length = opened.response().contentLength();
        opened(length == null ? -1 : length);
        stream = opened;
    }

    private void opened(long length) {
        streamEnd = length < 0 ? Long.MAX_VALUE : position + length;
        if (position == 0 && length >= 0) {
            size = length; // the whole object from its start: its length is the object's size
        }
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
    public long size() throws IOException {
        if (size < 0 && !reading() && position == 0) {
            open(); // the GET that serves the bytes also says how many there are
        }
        if (size < 0) {
            size = objects.head(path)
                    .orElseThrow(() -> new NoSuchFileException(objects.describe(path)))
                    .size();
        }
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
        if (direct != null) {
            direct.close(); // a body read to its end already went back to the idle connections
            direct = null;
        }
        if (stream != null) {
            // Closing before the end drops the connection rather than draining the rest of the object;
            // at the end, closing returns the connection for reuse.
            if (position < streamEnd) {
                stream.abort();
            }
            stream.close();
            stream = null;
        }
    }
}
