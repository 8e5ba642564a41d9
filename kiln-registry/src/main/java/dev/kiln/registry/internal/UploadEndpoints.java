package dev.kiln.registry.internal;

import dev.kiln.content.Digest;
import dev.kiln.content.LimitedInputStream;
import dev.kiln.registry.AccessPolicy.Action;
import dev.kiln.registry.RegistryStorage;
import dev.kiln.registry.RegistryStorage.Upload;
import java.io.IOException;
import java.io.InputStream;
import org.eclipse.jetty.http.HttpHeader;
import org.jspecify.annotations.Nullable;

/** Blob uploads: start (with mount and single-POST), PATCH chunks, PUT to finish, status, cancel. */
final class UploadEndpoints {
    /** The most of a refused chunk read to let its 507 through; a larger rest closes the connection. */
    private static final long DRAIN_LIMIT = 64L * 1024 * 1024;

    private final Services s;

    UploadEndpoints(Services services) {
        this.s = services;
    }

    void start(Exchange ex, Authenticator.Caller caller, String repository) throws IOException {
        s.auth().require(ex, caller, repository, Action.PUSH);
        String mount = ex.query("mount");
        String from = ex.query("from");
        if (mount != null && from != null && Names.isRepository(from)) {
            Digest digest = Services.digest(mount, "mount");
            if (s.auth().allowed(caller, from).contains(Action.PULL)
                    && s.storage().isLinked(from, digest)) {
                boolean mounted = s.gc().shared(() -> {
                    s.storage().touchBlob(digest); // before the check, for collectors on other replicas
                    if (!s.storage().isLinked(from, digest)
                            || s.storage().blobSize(digest).isEmpty()) {
                        return false;
                    }
                    s.storage().link(repository, digest);
                    return true;
                });
                if (mounted) {
                    ex.header(HttpHeader.LOCATION, "/v2/" + repository + "/blobs/" + digest)
                            .header("Docker-Content-Digest", digest.toString());
                    ex.send(201);
                    return;
                }
            }
        }
        String algorithm = ex.query("digest-algorithm");
        if (algorithm != null && !algorithm.equals("sha256") && !algorithm.equals("sha512")) {
            throw new HttpError(400, ErrorCode.DIGEST_INVALID, "digest algorithm must be sha256 or sha512", algorithm);
        }
        String digestText = ex.query("digest");
        Digest digest = digestText == null ? null : Services.digest(digestText, "digest");
        Upload upload = s.storage()
                .startUpload(
                        repository, digest != null ? digest.algorithm() : algorithm != null ? algorithm : "sha256");
        if (digest != null) {
            // Single-POST monolithic upload: the body is the whole blob.
            append(ex, upload, null);
            finish(ex, upload, digest);
            return;
        }
        accepted(ex, upload, 202);
    }

    void patch(Exchange ex, Authenticator.Caller caller, String repository, String id) throws IOException {
        s.auth().require(ex, caller, repository, Action.PUSH);
        Upload upload = find(repository, id);
        append(ex, upload, ex.header(HttpHeader.CONTENT_RANGE));
        accepted(ex, upload, 202);
    }

    void put(Exchange ex, Authenticator.Caller caller, String repository, String id) throws IOException {
        s.auth().require(ex, caller, repository, Action.PUSH);
        Upload upload = find(repository, id);
        String digestText = ex.query("digest");
        if (digestText == null) {
            throw new HttpError(400, ErrorCode.DIGEST_INVALID, "closing PUT needs ?digest=", "digest");
        }
        Digest digest = Services.digest(digestText, "digest");
        if (ex.contentLength() != 0) {
            append(ex, upload, ex.header(HttpHeader.CONTENT_RANGE));
        }
        finish(ex, upload, digest);
    }

    void status(Exchange ex, Authenticator.Caller caller, String repository, String id) {
        s.auth().require(ex, caller, repository, Action.PUSH);
        accepted(ex, find(repository, id), 204);
    }

    void cancel(Exchange ex, Authenticator.Caller caller, String repository, String id) {
        s.auth().require(ex, caller, repository, Action.PUSH);
        find(repository, id).cancel();
        ex.send(204);
    }

    private Upload find(String repository, String id) {
        return s.storage()
                .upload(repository, id)
                .orElseThrow(() -> new HttpError(
                        404, ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload " + id + " is unknown in " + repository, id));
    }

    private void append(Exchange ex, Upload upload, @Nullable String contentRange) throws IOException {
        long size = upload.size();
        long declared = ex.contentLength();
        long expected = declared;
        if (contentRange != null) {
            long[] range = parseContentRange(contentRange);
            if (range == null) {
                throw new HttpError(
                        400,
                        ErrorCode.BLOB_UPLOAD_INVALID,
                        "Content-Range must be '<start>-<end>' with start <= end < 9223372036854775807",
                        contentRange);
            }
            long length = range[1] - range[0] + 1;
            if (range[0] != size || (declared >= 0 && declared != length)) {
                rangeHeaders(ex, upload);
                throw new HttpError(
                        416,
                        ErrorCode.BLOB_UPLOAD_INVALID,
                        "chunk " + contentRange + " does not continue upload at offset " + size
                                + (declared >= 0 && declared != length
                                        ? " or does not match Content-Length " + declared
                                        : ""),
                        contentRange);
            }
            expected = length;
        }
        long room = s.maxBlobBytes() - size;
        if (expected > room) {
            throw new HttpError(
                    413, ErrorCode.SIZE_INVALID, "blob would exceed " + s.maxBlobBytes() + " bytes", upload.id());
        }
        try (InputStream body = ex.body()) {
            long written;
            try {
                written = upload.append(
                        expected >= 0 ? LimitedInputStream.exactly(body, expected, "request body") : body,
                        expected,
                        room);
            } catch (IOException | RuntimeException e) {
                if (DiskFull.isCause(e)) {
                    drainAfterDiskFull(body, e);
                }
                throw e;
            }
            s.metrics().bytesIn(written);
        } catch (RegistryStorage.UploadTooLargeException e) {
            throw new HttpError(
                    413, ErrorCode.SIZE_INVALID, "blob would exceed " + s.maxBlobBytes() + " bytes", upload.id());
        } catch (RegistryStorage.UploadConflictException e) {
            // Another replica appended first: report where the upload really is, as for a wrong Content-Range.
            s.storage().upload(upload.repository(), upload.id()).ifPresent(current -> rangeHeaders(ex, current));
            throw new HttpError(416, ErrorCode.BLOB_UPLOAD_INVALID, e.getMessage(), upload.id());
        }
    }

    /**
     * Reads and discards what is left of a chunk that a full disk refused, so that the 507 reaches the client: a
     * server that answers and closes with the request body unread resets the connection, and the client sees a
     * broken pipe instead of a status it can retry on. Beyond {@link #DRAIN_LIMIT} the connection is closed anyway.
     */
    private static void drainAfterDiskFull(InputStream body, Exception diskFull) {
        try {
            byte[] sink = new byte[64 * 1024];
            long left = DRAIN_LIMIT;
            for (int n; left > 0 && (n = body.read(sink, 0, (int) Math.min(sink.length, left))) >= 0; ) {
                left -= n;
            }
        } catch (IOException e) {
            diskFull.addSuppressed(e);
        }
    }

    private void finish(Exchange ex, Upload upload, Digest digest) throws IOException {
        try {
            s.gc().shared(() -> {
                upload.commit(digest);
                return null;
            });
        } catch (RegistryStorage.DigestMismatchException e) {
            throw new HttpError(
                    400,
                    ErrorCode.DIGEST_INVALID,
                    "uploaded content has digest " + e.actual() + ", not the " + digest + " the client sent",
                    digest.toString());
        }
        ex.header(HttpHeader.LOCATION, "/v2/" + upload.repository() + "/blobs/" + digest)
                .header("Docker-Content-Digest", digest.toString());
        ex.send(201);
    }

    private void accepted(Exchange ex, Upload upload, int status) {
        rangeHeaders(ex, upload);
        ex.header("Docker-Upload-UUID", upload.id());
        ex.send(status);
    }

    private static void rangeHeaders(Exchange ex, Upload upload) {
        long size = upload.size();
        ex.header(HttpHeader.LOCATION, "/v2/" + upload.repository() + "/blobs/uploads/" + upload.id());
        ex.header(HttpHeader.RANGE, "0-" + Math.max(0, size - 1));
    }

    /** {@code start-end}, tolerating a {@code bytes } prefix and {@code /total} suffix some clients send. */
    static long @Nullable [] parseContentRange(String header) {
        String h = header.trim();
        if (h.startsWith("bytes ")) {
            h = h.substring(6).trim();
        }
        int slash = h.indexOf('/');
        if (slash >= 0) {
            h = h.substring(0, slash);
        }
        if (!h.matches("[0-9]+-[0-9]+")) {
            return null;
        }
        int dash = h.indexOf('-');
        try {
            long start = Long.parseLong(h.substring(0, dash));
            long end = Long.parseLong(h.substring(dash + 1));
            // end - start + 1 must stay a positive long: 0-9223372036854775807 would wrap to a negative length
            // and slip past the size limit.
            return end < start || end - start == Long.MAX_VALUE ? null : new long[] {start, end};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
