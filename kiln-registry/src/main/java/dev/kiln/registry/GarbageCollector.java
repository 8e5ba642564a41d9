package dev.kiln.registry;

import dev.kiln.content.Digest;
import dev.kiln.registry.internal.s3.S3Storage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Mark and sweep over a {@link RegistryStorage}: every manifest of every repository marks itself
 * and what it references; unmarked blobs older than the grace period and uploads idle longer than
 * the expiry are removed.
 *
 * <p>Writers that make content reachable (upload completion, mount, manifest push) run inside
 * {@link #shared}; a collection holds the exclusive side, so it never sweeps a blob that a manifest
 * being pushed has just been checked against. The grace period protects blobs of a push whose
 * manifest has not arrived yet.
 *
 * <p>On a store shared by several registry processes (S3) that lock covers one process only, so
 * the age of a blob is its last use: a push that relies on a blob already stored (uploads it again,
 * mounts it, references it from a manifest) marks it in use first ({@link RegistryStorage#touchBlob}),
 * the collector asks again just before each deletion, and a manifest write re-checks its blobs
 * after writing and withdraws itself when one went. Replicas' clocks must agree to well within the
 * grace period (one hour by default), since blob times come from the store and "now" from here.
 */
public final class GarbageCollector {
    private final RegistryStorage storage;
    private final Clock clock;
    private final Duration grace;
    private final Duration uploadExpiry;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();

    public record Report(int blobsRemoved, long bytesFreed, int uploadsRemoved) {}

    public GarbageCollector(RegistryStorage storage, Clock clock, Duration grace, Duration uploadExpiry) {
        this.storage = storage;
        this.clock = clock;
        this.grace = grace;
        this.uploadExpiry = uploadExpiry;
    }

    /** Runs a storage write that must not interleave with a collection. */
    public <T> T shared(Callable<T> write) throws IOException {
        lock.readLock().lock();
        try {
            return write.call();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Asks again, just before deleting, on a store other processes write to: a push on another
     * replica may have marked the blob in use after the listing (the lock above is this process's only).
     */
    private boolean unusedSince(Digest digest, Instant youngest) {
        if (storage instanceof S3Storage s3) {
            return s3.lastUse(digest).map(used -> used.isBefore(youngest)).orElse(false);
        }
        return true;
    }

    public Report collect() {
        lock.writeLock().lock();
        try {
            Instant now = clock.instant();
            Set<Digest> marked = new HashSet<>();
            for (String repository : storage.repositories()) {
                for (Digest manifest : storage.manifests(repository)) {
                    storage.manifest(repository, manifest).ifPresent(m -> {
                        marked.add(m.digest());
                        marked.addAll(m.references());
                    });
                }
            }
            int blobs = 0;
            long bytes = 0;
            Instant youngest = now.minus(grace);
            for (RegistryStorage.BlobEntry blob : storage.blobs()) {
                if (!marked.contains(blob.digest())
                        && blob.modified().isBefore(youngest)
                        && unusedSince(blob.digest(), youngest)) {
                    storage.deleteBlob(blob.digest());
                    blobs++;
                    bytes += blob.size();
                }
            }
            int uploads = 0;
            Instant idleSince = now.minus(uploadExpiry);
            for (RegistryStorage.Upload upload : storage.uploads()) {
                if (upload.lastActivity().isBefore(idleSince)) {
                    upload.cancel();
                    uploads++;
                }
            }
            if (storage instanceof FileSystemStorage fs) {
                fs.removeStaleTemporaries(idleSince);
            } else if (storage instanceof S3Storage s3) {
                s3.removeStaleTemporaries(idleSince);
            }
            return new Report(blobs, bytes, uploads);
        } catch (UncheckedIOException e) {
            throw new RegistryException("garbage collection failed: " + e.getMessage(), e);
        } finally {
            lock.writeLock().unlock();
        }
    }
}
