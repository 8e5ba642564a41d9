package dev.kiln.registry.internal;

import dev.kiln.content.Digest;
import dev.kiln.registry.AccessPolicy.Action;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import org.eclipse.jetty.http.HttpHeader;
import org.jspecify.annotations.Nullable;

/** Blob HEAD, GET (with Range) and DELETE. */
final class BlobEndpoints {
    private static final ThreadLocal<ByteBuffer> BUFFER =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(1 << 20));

    private final Services s;

    BlobEndpoints(Services services) {
        this.s = services;
    }

    void get(Exchange ex, Authenticator.Caller caller, String repository, String reference) throws IOException {
        Digest digest = Services.digest(reference, "digest");
        s.auth().require(ex, caller, repository, Action.PULL);
        var urls = s.blobUrls();
        var lifetime = s.redirectLifetime();
        // RegistryServer sets blobUrls only together with the redirect lifetime
        boolean redirect = urls != null && lifetime != null && !ex.isHead();
        String range = ex.header(HttpHeader.RANGE);
        if (!redirect && !ex.isHead() && range == null) {
            // A whole blob: the read that serves it also gives its size, and the store may check the
            // link while that read is on its way, so an object store answers after one round trip
            // instead of three (link, size, bytes) one after the other.
            SeekableByteChannel channel;
            long size;
            try {
                channel = s.storage()
                        .openLinkedBlob(repository, digest)
                        .orElseThrow(() -> notInRepository(repository, digest));
            } catch (NoSuchFileException e) {
                throw notStored(digest);
            }
            try (channel) {
                try {
                    size = channel.size();
                } catch (NoSuchFileException e) {
                    throw notStored(digest); // collected since the link was read, or the store opens lazily
                }
                respond(ex, digest, 200, size);
                serve(ex, digest, channel, size);
            }
            return;
        }
        if (!s.storage().isLinked(repository, digest)) {
            throw notInRepository(repository, digest);
        }
        long size = s.storage().blobSize(digest).orElseThrow(() -> notStored(digest));
        if (urls != null && lifetime != null && redirect) {
            // As distribution's S3 driver does: the client fetches the bytes (and any range) from the store.
            ex.header(HttpHeader.LOCATION, urls.blobUrl(digest, lifetime).toString())
                    .header("Docker-Content-Digest", digest.toString());
            ex.send(307);
            return;
        }
        long start = 0;
        long end = size - 1;
        int status = 200;
        if (range != null) {
            long[] r = parseRange(range, size);
            if (r == null) {
                ex.header(HttpHeader.CONTENT_RANGE, "bytes */" + size);
                throw new HttpError(
                        416,
                        ErrorCode.SIZE_INVALID,
                        "range '" + range + "' cannot be satisfied by " + size + " bytes",
                        range);
            }
            start = r[0];
            end = r[1];
            status = 206;
            ex.header(HttpHeader.CONTENT_RANGE, "bytes " + start + "-" + end + "/" + size);
        }
        long length = end - start + 1;
        respond(ex, digest, status, length);
        if (ex.isHead()) {
            ex.finish(null);
            return;
        }
        try (SeekableByteChannel channel = s.storage().openBlob(digest)) {
            channel.position(start);
            serve(ex, digest, channel, length);
        }
    }

    private static HttpError notInRepository(String repository, Digest digest) {
        return new HttpError(
                404, ErrorCode.BLOB_UNKNOWN, "blob " + digest + " is not in " + repository, digest.toString());
    }

    private static HttpError notStored(Digest digest) {
        return new HttpError(404, ErrorCode.BLOB_UNKNOWN, "blob " + digest + " is not stored", digest.toString());
    }

    private static void respond(Exchange ex, Digest digest, int status, long length) {
        ex.status(status);
        ex.header("Docker-Content-Digest", digest.toString())
                .header(HttpHeader.ACCEPT_RANGES, "bytes")
                .header(HttpHeader.CONTENT_TYPE, "application/octet-stream")
                .header(HttpHeader.ETAG, "\"" + digest + "\"")
                .header(HttpHeader.CONTENT_LENGTH, Long.toString(length));
    }

    /** Copies {@code length} bytes from the channel's position to the response and ends it. */
    private void serve(Exchange ex, Digest digest, SeekableByteChannel channel, long length) throws IOException {
        if (length == 0) {
            ex.finish(null);
            return;
        }
        // One reused direct buffer per server thread: reads go from the page cache into it and
        // from it to the socket. Mapping the file instead would avoid that copy, but the mappings
        // stay resident until a GC unmaps them, and the registry's memory would grow with every
        // blob served (hundreds of MiB after a 200 MB pull).
        ByteBuffer buf = BUFFER.get();
        long remaining = length;
        while (remaining > 0) {
            buf.clear().limit((int) Math.min(buf.capacity(), remaining));
            while (buf.hasRemaining()) {
                if (channel.read(buf) < 0) {
                    throw new IOException("blob " + digest + " ended early");
                }
            }
            remaining -= buf.limit();
            buf.flip();
            ex.writeBlocking(buf);
        }
        ex.finish(null);
        s.metrics().bytesOut(length);
    }

    /** RFC 9110 single byte range; null when unsatisfiable or not understood. */
    static long @Nullable [] parseRange(String header, long size) {
        String h = header.trim();
        if (!h.startsWith("bytes=") || h.contains(",")) {
            return null;
        }
        String spec = h.substring(6).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String a = spec.substring(0, dash).trim();
            String b = spec.substring(dash + 1).trim();
            if (a.isEmpty()) {
                long suffix = Long.parseLong(b);
                if (suffix <= 0 || size == 0) {
                    return null;
                }
                return new long[] {Math.max(0, size - suffix), size - 1};
            }
            long first = Long.parseLong(a);
            long last = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
            if (first >= size || last < first) {
                return null;
            }
            return new long[] {first, last};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    void delete(Exchange ex, Authenticator.Caller caller, String repository, String reference) {
        Digest digest = Services.digest(reference, "digest");
        s.auth().require(ex, caller, repository, Action.DELETE);
        if (!s.deleteEnabled()) {
            throw new HttpError(405, ErrorCode.UNSUPPORTED, "deletes are disabled on this registry");
        }
        if (!s.storage().unlink(repository, digest)) {
            throw new HttpError(
                    404, ErrorCode.BLOB_UNKNOWN, "blob " + digest + " is not in " + repository, digest.toString());
        }
        ex.send(202);
    }
}
