package dev.kiln.objects;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartCopyRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.GetObjectPresignRequest;

/**
 * The object operations Kiln's stores need (the registry, build outputs, APK repositories), over one
 * bucket and prefix: keys here are paths under the prefix. Preconditions are S3's conditional requests ({@code If-None-Match: *} to
 * create, {@code If-Match: ETAG} to replace or delete); a failed one returns false instead of
 * throwing, because losing a race is an expected outcome on a store without locks.
 */
public final class S3Objects implements AutoCloseable {
    /** S3's smallest part of a multipart upload, except the last one. */
    public static final long MIN_PART = 5L << 20;

    /** Requests in flight at once for one blob's parts (S3 serves them in parallel; a loopback server too). */
    public static final int PARALLEL = 4;

    /** Lifetime of the URL a {@link SocketGet} sends at once: only clock skew needs more than a second. */
    private static final Duration PRESIGNED_READ = Duration.ofMinutes(5);

    private final S3Client client;
    private final S3Presigner presigner;
    private final S3Location location;
    private final ExecutorService transfers;
    private final boolean plainHttp;

    /**
     * The objects under {@code location}, with endpoint, region and credentials from {@code env}: the
     * variables the AWS CLI reads (see {@link S3Clients}). Close it to release its threads and connections.
     */
    public static S3Objects open(S3Location location, Map<String, String> env) {
        return S3Clients.open(location, env);
    }

    S3Objects(S3Client client, S3Presigner presigner, S3Location location, boolean plainHttp) {
        this.client = client;
        this.plainHttp = plainHttp;
        this.presigner = presigner;
        this.location = location;
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                2 * PARALLEL, 2 * PARALLEL, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "kiln-s3-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true); // an idle store keeps no transfer threads
        this.transfers = pool;
    }

    /** Stops the transfer threads and closes the client's connections. */
    @Override
    public void close() {
        transfers.shutdown();
        client.close();
        presigner.close();
    }

    /** Threads for the part uploads, copies and deletes that run beside a request. */
    public ExecutorService transfers() {
        return transfers;
    }

    public S3Location location() {
        return location;
    }

    /** An object's size, ETag (its version for {@link Precondition#matching}) and time of last change. */
    public record Meta(long size, String etag, Instant modified) {}

    // bytes carried as they are; nothing compares these records with equals (arrays compare by identity)
    @SuppressWarnings("ArrayRecordComponent")
    public record Content(byte[] bytes, String etag, Instant modified) {}

    public record Listed(String path, long size, Instant modified) {}

    /** A condition on the object's current state for a write; {@link #NONE} writes unconditionally. */
    public record Precondition(@Nullable String ifMatch, boolean ifAbsent) {
        public static final Precondition NONE = new Precondition(null, false);
        public static final Precondition ABSENT = new Precondition(null, true);

        public static Precondition matching(String etag) {
            return new Precondition(etag, false);
        }
    }

    private String key(String path) {
        return location.key(path);
    }

    public Optional<Meta> head(String path) {
        try {
            HeadObjectResponse r = client.headObject(HeadObjectRequest.builder()
                    .bucket(location.bucket())
                    .key(key(path))
                    .build());
            return Optional.of(new Meta(r.contentLength(), r.eTag(), r.lastModified()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("HEAD", path, e);
        }
    }

    public Optional<Content> get(String path) {
        try {
            ResponseBytes<GetObjectResponse> r = client.getObjectAsBytes(GetObjectRequest.builder()
                    .bucket(location.bucket())
                    .key(key(path))
                    .build());
            return Optional.of(new Content(
                    r.asByteArray(), r.response().eTag(), r.response().lastModified()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            throw failure("GET", path, e);
        }
    }

    /** The object's bytes from {@code offset} to its end; the caller closes the stream. */
    public InputStream read(String path, long offset) {
        return request(path, offset);
    }

    /**
     * A read-only channel over the object: a ranged GET from its position, so reading a range fetches only
     * that range. Opening it sends nothing; a missing object fails the first read.
     */
    public SeekableByteChannel channel(String path) {
        return new S3ObjectChannel(this, path);
    }

    /**
     * The object's bytes from {@code offset} read from the socket of a presigned GET, when the endpoint
     * is plain HTTP and the store answers it plainly; null otherwise, and the caller uses {@link #request}.
     */
    @Nullable
    SocketGet socketGet(String path, long offset) {
        if (!plainHttp) {
            return null;
        }
        return SocketGet.open(presignedGet(path, PRESIGNED_READ), offset, describe(path), SocketGet.READ_TIMEOUT);
    }

    ResponseInputStream<GetObjectResponse> request(String path, long offset) {
        GetObjectRequest.Builder request =
                GetObjectRequest.builder().bucket(location.bucket()).key(key(path));
        if (offset > 0) {
            request.range("bytes=" + offset + "-"); // not from 0: a range of an empty object is refused (416)
        }
        try {
            return client.getObject(request.build());
        } catch (S3Exception e) {
            throw failure("GET", path, e);
        }
    }

    /** Writes the object if the precondition holds; returns its new ETag, or empty when it did not hold. */
    public Optional<String> put(String path, byte[] bytes, int length, Precondition when) {
        PutObjectRequest.Builder request =
                PutObjectRequest.builder().bucket(location.bucket()).key(key(path));
        if (when.ifAbsent()) {
            request.ifNoneMatch("*");
        }
        if (when.ifMatch() != null) {
            request.ifMatch(when.ifMatch());
        }
        try {
            return Optional.of(client.putObject(request.build(), RequestBody.fromBytes(slice(bytes, length)))
                    .eTag());
        } catch (S3Exception e) {
            if (lostRace(e)) {
                return landedAnyway(path, bytes, length);
            }
            throw failure("PUT", path, e);
        }
    }

    /**
     * A failed precondition can be this very write: the SDK retries a request whose response was
     * lost (a reset connection, a 5xx), and the retry then finds the object already changed, by
     * itself. When the object holds exactly the bytes sent, the write happened; callers write
     * content that no other writer produces (part names are random) or that means the same
     * from anyone (a digest under its own name), so equal bytes are proof enough.
     */
    private Optional<String> landedAnyway(String path, byte[] bytes, int length) {
        return get(path)
                .filter(current ->
                        java.util.Arrays.equals(current.bytes(), 0, current.bytes().length, bytes, 0, length))
                .map(Content::etag);
    }

    /**
     * Writes {@code length} bytes read from {@code in} as one object, unconditionally, as they
     * arrive: nothing is buffered. The stream is read once, so a request the SDK would retry fails
     * instead (the caller's client sends the chunk again).
     */
    public void putStream(String path, InputStream in, long length) throws IOException {
        AtomicBoolean sent = new AtomicBoolean();
        AtomicReference<IOException> bodyFailure = new AtomicReference<>();
        ContentStreamProvider once = () -> {
            if (!sent.compareAndSet(false, true)) {
                throw new IllegalStateException(
                        "PUT " + describe(path) + " would send its body twice; a streamed body is read once");
            }
            // Remembers a failure of the client's body, which the SDK reports as its own failure to send.
            return new FilterInputStream(in) {
                @Override
                public int read() throws IOException {
                    try {
                        return super.read();
                    } catch (IOException e) {
                        bodyFailure.compareAndSet(null, e);
                        throw e;
                    }
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    try {
                        return super.read(b, off, len);
                    } catch (IOException e) {
                        bodyFailure.compareAndSet(null, e);
                        throw e;
                    }
                }

                @Override
                public void close() {
                    // the caller owns the request body and closes it
                }
            };
        };
        try {
            client.putObject(
                    PutObjectRequest.builder()
                            .bucket(location.bucket())
                            .key(key(path))
                            .contentLength(length)
                            .build(),
                    RequestBody.fromContentProvider(once, length, "application/octet-stream"));
        } catch (RuntimeException e) {
            if (bodyFailure.get() != null) {
                throw bodyFailure.get();
            }
            throw e instanceof S3Exception s3 ? failure("PUT", path, s3) : e;
        }
    }

    public Optional<String> put(String path, byte[] bytes, Precondition when) {
        return put(path, bytes, bytes.length, when);
    }

    /**
     * Writes the file as one object if the precondition holds; returns its new ETag, or empty when it did not
     * hold. The SDK reads the file again for a retry, so a lost response is retried like any other request.
     */
    public Optional<String> putFile(String path, Path file, Precondition when) {
        PutObjectRequest.Builder request =
                PutObjectRequest.builder().bucket(location.bucket()).key(key(path));
        if (when.ifAbsent()) {
            request.ifNoneMatch("*");
        }
        if (when.ifMatch() != null) {
            request.ifMatch(when.ifMatch());
        }
        try {
            return Optional.of(client.putObject(request.build(), RequestBody.fromFile(file))
                    .eTag());
        } catch (S3Exception e) {
            if (lostRace(e)) {
                return Optional.empty();
            }
            throw failure("PUT", path, e);
        }
    }

    private static byte[] slice(byte[] bytes, int length) {
        if (length == bytes.length) {
            return bytes;
        }
        byte[] copy = new byte[length];
        System.arraycopy(bytes, 0, copy, 0, length);
        return copy;
    }

    /** Deletes the object if the precondition holds; false when it did not hold or the object was absent. */
    public boolean delete(String path, Precondition when) {
        DeleteObjectRequest.Builder request =
                DeleteObjectRequest.builder().bucket(location.bucket()).key(key(path));
        if (when.ifMatch() != null) {
            request.ifMatch(when.ifMatch());
        }
        try {
            client.deleteObject(request.build());
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (lostRace(e) || e.statusCode() == 404) {
                return false;
            }
            throw failure("DELETE", path, e);
        }
    }

    /** Every object under a path prefix, in key order (S3 lists in UTF-8 byte order). */
    public List<Listed> list(String pathPrefix) {
        String prefix = key(pathPrefix);
        int strip = location.prefix().isEmpty() ? 0 : location.prefix().length() + 1;
        List<Listed> out = new ArrayList<>();
        try {
            for (S3Object o : client.listObjectsV2Paginator(ListObjectsV2Request.builder()
                            .bucket(location.bucket())
                            .prefix(prefix)
                            .build())
                    .contents()) {
                out.add(new Listed(o.key().substring(strip), o.size(), o.lastModified()));
            }
        } catch (S3Exception e) {
            throw failure("LIST", pathPrefix, e);
        }
        return out;
    }

    /** Whether any object exists under a path prefix: one LIST of one key. */
    public boolean anyUnder(String pathPrefix) {
        try {
            return !client.listObjectsV2(ListObjectsV2Request.builder()
                            .bucket(location.bucket())
                            .prefix(key(pathPrefix))
                            .maxKeys(1)
                            .build())
                    .contents()
                    .isEmpty();
        } catch (S3Exception e) {
            throw failure("LIST", pathPrefix, e);
        }
    }

    /**
     * Joins source objects into one new object at {@code target}, server side. With several sources
     * this is a multipart upload whose parts are copies; it is completed only after every copy
     * succeeded and aborted otherwise, so the target is either whole or absent. Every source but the
     * last must be at least {@link #MIN_PART} bytes.
     */
    public void compose(List<String> sources, String target) {
        if (sources.size() == 1) {
            try {
                client.copyObject(CopyObjectRequest.builder()
                        .sourceBucket(location.bucket())
                        .sourceKey(key(sources.get(0)))
                        .destinationBucket(location.bucket())
                        .destinationKey(key(target))
                        .build());
                return;
            } catch (S3Exception e) {
                throw failure("COPY to", target, e);
            }
        }
        String uploadId;
        try {
            uploadId = client.createMultipartUpload(CreateMultipartUploadRequest.builder()
                            .bucket(location.bucket())
                            .key(key(target))
                            .build())
                    .uploadId();
        } catch (S3Exception e) {
            throw failure("start multipart upload of", target, e);
        }
        try {
            List<Callable<CompletedPart>> copies = new ArrayList<>();
            for (int i = 0; i < sources.size(); i++) {
                int number = i + 1;
                String source = key(sources.get(i));
                copies.add(() -> CompletedPart.builder()
                        .partNumber(number)
                        .eTag(client.uploadPartCopy(UploadPartCopyRequest.builder()
                                        .sourceBucket(location.bucket())
                                        .sourceKey(source)
                                        .destinationBucket(location.bucket())
                                        .destinationKey(key(target))
                                        .uploadId(uploadId)
                                        .partNumber(number)
                                        .build())
                                .copyPartResult()
                                .eTag())
                        .build());
            }
            List<CompletedPart> parts = inParallel(copies);
            client.completeMultipartUpload(CompleteMultipartUploadRequest.builder()
                    .bucket(location.bucket())
                    .key(key(target))
                    .uploadId(uploadId)
                    .multipartUpload(
                            CompletedMultipartUpload.builder().parts(parts).build())
                    .build());
        } catch (RuntimeException e) {
            abort(target, uploadId, e);
            throw e instanceof S3Exception s3 ? failure("multipart upload of", target, s3) : e;
        }
    }

    /** Deletes objects PARALLEL at a time, unconditionally; returns after the last one. */
    public void deleteAll(List<String> paths) {
        List<Callable<Boolean>> deletes = new ArrayList<>();
        for (String path : paths) {
            deletes.add(() -> delete(path, Precondition.NONE));
        }
        inParallel(deletes);
    }

    /** Runs the calls PARALLEL at a time and returns their results in order; the first failure is thrown. */
    public <T> List<T> inParallel(List<Callable<T>> calls) {
        List<T> results = new ArrayList<>();
        for (int from = 0; from < calls.size(); from += PARALLEL) {
            List<Future<T>> batch = new ArrayList<>();
            for (Callable<T> call : calls.subList(from, Math.min(calls.size(), from + PARALLEL))) {
                batch.add(transfers.submit(call));
            }
            for (Future<T> f : batch) {
                results.add(await(f));
            }
        }
        return results;
    }

    /** The result of a transfer; its failure is rethrown as it was (unchecked), an interrupt as a storage failure. */
    public static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new ObjectStoreException("S3 transfer failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ObjectStoreException("interrupted while waiting for an S3 transfer", e);
        }
    }

    private void abort(String target, String uploadId, RuntimeException cause) {
        try {
            client.abortMultipartUpload(AbortMultipartUploadRequest.builder()
                    .bucket(location.bucket())
                    .key(key(target))
                    .uploadId(uploadId)
                    .build());
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /** A GET URL for the object, signed for {@code lifetime}. */
    public URI presignedGet(String path, Duration lifetime) {
        try {
            return presigner
                    .presignGetObject(GetObjectPresignRequest.builder()
                            .signatureDuration(lifetime)
                            .getObjectRequest(GetObjectRequest.builder()
                                    .bucket(location.bucket())
                                    .key(key(path))
                                    .build())
                            .build())
                    .url()
                    .toURI();
        } catch (java.net.URISyntaxException e) {
            throw new ObjectStoreException(
                    "presigned URL of " + describe(path) + " is not a URI: " + e.getMessage(), e);
        }
    }

    /** 412: the precondition did not hold; 409: S3 refused a conditional write racing another one. */
    private static boolean lostRace(S3Exception e) {
        return e.statusCode() == 412 || e.statusCode() == 409;
    }

    /** The object's full address, for messages. */
    public String describe(String path) {
        return "s3://" + location.bucket() + "/" + key(path);
    }

    private ObjectStoreException failure(String operation, String path, S3Exception e) {
        String code = e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : null;
        return new ObjectStoreException(
                operation + " " + describe(path) + " failed: HTTP " + e.statusCode() + (code != null ? " " + code : ""),
                e);
    }
}
