package dev.kiln.registry;

import dev.kiln.content.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where a registry keeps its content. Blobs are global and content-addressed; a repository sees a
 * blob only through a link, so deleting a blob from one repository never affects another. The
 * handlers use nothing else, so an object store can implement this without touching them.
 *
 * <p>Every write is all or nothing: a reader sees the old state or the complete new one.
 */
public interface RegistryStorage {

    /** Size of a stored blob, or empty when it is absent. */
    Optional<Long> blobSize(Digest digest);

    /**
     * Opens a stored blob for reading; the caller closes it. An absent blob fails with
     * {@link java.nio.file.NoSuchFileException}, here or at the channel's first use: a store may send
     * nothing until then, and answer the channel's size and its bytes from one read.
     */
    SeekableByteChannel openBlob(Digest digest) throws IOException;

    boolean isLinked(String repository, Digest blob);

    /**
     * Opens a blob the repository links, for serving it whole: empty when the repository does not
     * link it; {@link java.nio.file.NoSuchFileException} from here or the channel's first use when it
     * is linked but not stored. A store whose reads are requests may check the link while the read
     * is already on its way, so nothing is sent to the client before the link is confirmed.
     */
    default Optional<SeekableByteChannel> openLinkedBlob(String repository, Digest blob) throws IOException {
        return isLinked(repository, blob) ? Optional.of(openBlob(blob)) : Optional.empty();
    }

    /** Makes an existing blob visible in a repository (mount, or upload completion). */
    void link(String repository, Digest blob);

    /** Removes a blob from a repository; returns false when it was not there. */
    boolean unlink(String repository, Digest blob);

    Upload startUpload(String repository, String algorithm);

    Optional<Upload> upload(String repository, String id);

    /** Stores manifest bytes exactly as given, with the facts the registry derived from them. */
    void putManifest(String repository, StoredManifest manifest);

    Optional<StoredManifest> manifest(String repository, Digest digest);

    /** Deletes a manifest and every tag pointing to it; returns false when it was not there. */
    boolean deleteManifest(String repository, Digest digest);

    void tag(String repository, String tag, Digest manifest);

    Optional<Digest> resolveTag(String repository, String tag);

    boolean deleteTag(String repository, String tag);

    /** Tags of a repository in byte order. */
    List<String> tags(String repository);

    boolean repositoryExists(String repository);

    /** Repository names in byte order. */
    List<String> repositories();

    /** Manifests of a repository whose {@code subject} is the given digest. */
    List<StoredManifest> referrers(String repository, Digest subject);

    /** Manifest digests stored in a repository (tagged or not). */
    List<Digest> manifests(String repository);

    /**
     * Every blob in the store with its last use, for garbage collection: the later of its write and
     * the last {@link #touchBlob} of it.
     */
    List<BlobEntry> blobs();

    /**
     * Records that a writer relies on this stored blob from now on (an upload of a blob already
     * stored, a mount, a manifest that references it), so a collection in any process sharing the
     * store counts it as written now and keeps it for its grace period. Writers call it before they
     * check that the blob exists. An absent blob stays absent.
     */
    void touchBlob(Digest digest);

    /** Removes a blob from the store and every repository link to it. */
    void deleteBlob(Digest digest);

    /** Uploads that have not been completed or cancelled, for expiry. */
    List<Upload> uploads();

    /**
     * True when other processes may write the same storage (replicas over one bucket), so nothing
     * read from it may be cached in memory: a tag moved by another replica must be seen at once.
     */
    default boolean shared() {
        return false;
    }

    record BlobEntry(Digest digest, long size, Instant modified) {}

    /** Optional capability: a time-limited URL a client can fetch a blob from directly (a pull redirect). */
    interface BlobUrls {
        URI blobUrl(Digest digest, Duration lifetime);
    }

    /**
     * A manifest as pushed: its bytes and media type, plus the descriptor facts the referrers API
     * needs, so listing referrers never re-parses manifests.
     */
    // bytes carried as they are; nothing compares these records with equals (arrays compare by identity)
    @SuppressWarnings("ArrayRecordComponent")
    record StoredManifest(
            Digest digest,
            String mediaType,
            byte[] body,
            @Nullable Digest subject,
            @Nullable String artifactType,
            @Nullable String annotationsJson,
            List<Digest> references) {
        public StoredManifest {
            references = List.copyOf(references);
        }
    }

    /** An upload in progress; its bytes are invisible until {@link #commit} succeeds. */
    interface Upload {
        String id();

        String repository();

        /** Bytes received so far. */
        long size();

        Instant lastActivity();

        /**
         * Appends a stream to the upload. When the stream fails part way, the upload is rolled back
         * to its size before the call, so a client can resume from a known offset.
         *
         * @param limit the most bytes to accept; more fails with {@link UploadTooLargeException}
         * @throws UploadConflictException when another writer (another replica) appended since this
         *     upload's {@link #size} was read; nothing of this stream was kept
         */
        long append(InputStream in, long limit) throws IOException;

        /**
         * {@link #append(InputStream, long)} of a stream whose length the client declared
         * ({@code Content-Length} or {@code Content-Range}), or -1 when it did not: a store may
         * then write the chunk as it arrives instead of buffering it.
         */
        default long append(InputStream in, long length, long limit) throws IOException {
            return append(in, limit);
        }

        /** Verifies the whole content against the digest and publishes it; the upload ends. */
        void commit(Digest expected) throws IOException;

        void cancel();
    }

    /** The body of an upload grew past the configured limit; the chunk was rolled back. */
    final class UploadTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        public UploadTooLargeException(String message) {
            super(message);
        }
    }

    /** Another writer moved the upload on first; the chunk was not kept and the client must resume. */
    final class UploadConflictException extends IOException {
        private static final long serialVersionUID = 1L;

        public UploadConflictException(String message) {
            super(message);
        }
    }

    /** The content of an upload did not match its digest; nothing was published. */
    final class DigestMismatchException extends IOException {
        private static final long serialVersionUID = 1L;
        private final Digest actual;

        public DigestMismatchException(String message, Digest actual) {
            super(message);
            this.actual = actual;
        }

        public Digest actual() {
            return actual;
        }
    }
}
