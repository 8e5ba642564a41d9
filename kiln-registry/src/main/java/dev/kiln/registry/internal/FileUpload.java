package dev.kiln.registry.internal;

import dev.kiln.content.Digest;
import dev.kiln.content.Hashing;
import dev.kiln.registry.FileSystemStorage;
import dev.kiln.registry.RegistryStorage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * An upload kept as {@code info} (repository, algorithm) and {@code data} in its own folder.
 * The running hash lives in memory; after a restart it is rebuilt from {@code data}, so an
 * upload survives the process that started it.
 */
public final class FileUpload implements RegistryStorage.Upload {
    private static final int BUFFER = 1 << 17;

    private final Path dir;
    private final String id;
    private final String repository;
    private final String algorithm;
    private final Clock clock;
    private final FileSystemStorage storage;
    /** The running hash of the bytes so far; null when it must be recomputed from the file. */
    private @Nullable MessageDigest hasher;

    private long size;
    private Instant lastActivity;
    private boolean finished;

    private FileUpload(
            Path dir,
            String id,
            String repository,
            String algorithm,
            Clock clock,
            FileSystemStorage storage,
            long size,
            Instant lastActivity,
            @Nullable MessageDigest hasher) {
        this.dir = dir;
        this.id = id;
        this.repository = repository;
        this.algorithm = algorithm;
        this.clock = clock;
        this.storage = storage;
        this.size = size;
        this.lastActivity = lastActivity;
        this.hasher = hasher;
    }

    public static FileUpload create(
            Path dir, String id, String repository, String algorithm, Clock clock, FileSystemStorage storage) {
        try {
            Files.createDirectories(dir);
            Files.createFile(dir.resolve("data"));
            dev.kiln.content.AtomicFiles.write(
                    dir.resolve("info"), (repository + "\n" + algorithm + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start upload in " + dir, e);
        }
        return new FileUpload(
                dir,
                id,
                repository,
                algorithm,
                clock,
                storage,
                0,
                clock.instant(),
                UploadHashes.forAlgorithm(algorithm));
    }

    /** Rebuilds an upload a previous process left behind; folders without both files are removed. */
    public static @Nullable FileUpload recover(Path dir, Clock clock, FileSystemStorage storage) throws IOException {
        Path info = dir.resolve("info");
        Path data = dir.resolve("data");
        if (!Files.isRegularFile(info) || !Files.isRegularFile(data)) {
            deleteTree(dir);
            return null;
        }
        String[] lines = Files.readString(info, StandardCharsets.UTF_8).split("\n");
        if (lines.length < 2 || !Names.isRepository(lines[0])) {
            deleteTree(dir);
            return null;
        }
        return new FileUpload(
                dir,
                dir.getFileName().toString(),
                lines[0],
                lines[1],
                clock,
                storage,
                Files.size(data),
                Files.getLastModifiedTime(data).toInstant(),
                null);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String repository() {
        return repository;
    }

    @Override
    public synchronized long size() {
        return size;
    }

    @Override
    public synchronized Instant lastActivity() {
        return lastActivity;
    }

    /** False once another process completed or cancelled the upload. */
    public boolean stillStored() {
        return Files.isRegularFile(dir.resolve("data"));
    }

    public synchronized boolean finished() {
        return finished;
    }

    @Override
    public synchronized long append(InputStream in, long limit) throws IOException {
        ensureOpen();
        long onDisk = Files.size(dir.resolve("data"));
        if (onDisk != size) {
            // Another process over the same folder appended: resume from what is on disk.
            long seen = size;
            size = onDisk;
            hasher = null;
            throw new RegistryStorage.UploadConflictException(
                    "upload " + id + " is at offset " + onDisk + ", not " + seen + ": another writer appended");
        }
        MessageDigest running = hasher != null ? hasher : rehash(algorithm, size);
        MessageDigest before;
        try {
            before = (MessageDigest) running.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("JDK message digests are cloneable", e);
        }
        long start = size;
        long written = 0;
        try (FileChannel channel = FileChannel.open(dir.resolve("data"), StandardOpenOption.WRITE)) {
            channel.position(start);
            byte[] buf = new byte[BUFFER];
            for (int n; (n = in.read(buf)) > 0; ) {
                written += n;
                if (written > limit) {
                    throw new RegistryStorage.UploadTooLargeException(
                            "upload " + id + " is larger than " + limit + " bytes");
                }
                running.update(buf, 0, n);
                write(channel, buf, n);
            }
            hasher = running;
            size = start + written;
            lastActivity = clock.instant();
            return written;
        } catch (IOException | RuntimeException e) {
            // A chunk is all or nothing, so a client resuming from the reported offset is always right.
            try (FileChannel channel = FileChannel.open(dir.resolve("data"), StandardOpenOption.WRITE)) {
                channel.truncate(start);
            }
            hasher = before;
            size = start;
            throw e;
        }
    }

    /** Storage failures are unchecked, so that callers never take them for a broken request body. */
    private void write(FileChannel channel, byte[] buf, int n) {
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
        try {
            while (bb.hasRemaining()) {
                channel.write(bb);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write upload " + id + " to " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void commit(Digest expected) throws IOException {
        ensureOpen();
        Path data = dir.resolve("data");
        try (FileChannel channel = FileChannel.open(data, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        MessageDigest md =
                expected.algorithm().equals(algorithm) && hasher != null ? hasher : rehash(expected.algorithm(), size);
        Digest actual = new Digest(expected.algorithm(), Hashing.hex(md.digest()));
        hasher = null;
        if (!actual.equals(expected)) {
            cancel();
            throw new RegistryStorage.DigestMismatchException(
                    "upload " + id + " has digest " + actual + ", not " + expected, actual);
        }
        storage.publishBlob(data, expected);
        storage.link(repository, expected);
        finish();
    }

    @Override
    public synchronized void cancel() {
        if (!finished) {
            finish();
        }
    }

    private void finish() {
        finished = true;
        storage.forget(id);
        try {
            deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove upload folder " + dir, e);
        }
    }

    private void ensureOpen() throws IOException {
        if (finished) {
            throw new IOException("upload " + id + " has ended");
        }
    }

    private MessageDigest rehash(String alg, long length) throws IOException {
        MessageDigest md = UploadHashes.forAlgorithm(alg);
        byte[] buf = new byte[BUFFER];
        long remaining = length;
        try (InputStream in = Files.newInputStream(dir.resolve("data"))) {
            for (int n; remaining > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, remaining))) > 0; ) {
                md.update(buf, 0, n);
                remaining -= n;
            }
        }
        return md;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
