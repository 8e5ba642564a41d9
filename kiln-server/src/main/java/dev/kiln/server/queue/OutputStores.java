package dev.kiln.server.queue;

import dev.kiln.content.Digest;
import dev.kiln.content.Hashing;
import dev.kiln.objects.ObjectStoreException;
import dev.kiln.objects.S3Location;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** What every output store can do through its three methods: open one by {@code --storage}, check, fetch. */
public final class OutputStores {
    private OutputStores() {}

    /**
     * The store {@code --storage} names: a directory, {@code file:DIR}, or {@code s3://BUCKET/PREFIX} (endpoint,
     * region and credentials from the AWS variables in {@code env}, as the AWS CLI reads them).
     */
    public static OutputStore of(String storage, Map<String, String> env) {
        String lower = storage.toLowerCase(Locale.ROOT);
        if (lower.startsWith("s3://")) {
            try {
                return S3OutputStore.open(S3Location.parse(storage), env);
            } catch (ObjectStoreException e) {
                throw new QueueException("--storage '" + storage + "': " + e.getMessage(), e);
            }
        }
        if (lower.contains("://")) {
            throw new QueueException("--storage '" + storage + "': expected a directory or s3://bucket/prefix");
        }
        return new FileOutputStore(Path.of(lower.startsWith("file:") ? storage.substring(5) : storage));
    }

    /**
     * Why the bytes stored under {@code digest} cannot be trusted as that output, or null when they can: nothing
     * stored, or bytes whose digest differs (the store was written behind the queue's back, or a worker lied).
     */
    public static @Nullable String mismatch(OutputStore store, Digest digest) {
        if (!store.contains(digest)) {
            return "nothing is stored under " + digest;
        }
        MessageDigest md = Hashing.sha256();
        try (InputStream in = new DigestInputStream(store.open(digest), md)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            return "cannot read " + digest + ": " + e.getMessage();
        }
        Digest actual = new Digest("sha256", Hashing.hex(md.digest()));
        return actual.equals(digest) ? null : "the bytes stored under " + digest + " are " + actual;
    }

    /** Copies the bytes of {@code digest} to {@code target}, refusing them when they do not match the digest. */
    public static void fetch(OutputStore store, Digest digest, Path target) {
        MessageDigest md = Hashing.sha256();
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            try (InputStream in = new DigestInputStream(store.open(digest), md)) {
                Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new QueueException("cannot fetch " + digest + " to " + target + ": " + e.getMessage(), e);
        }
        Digest actual = new Digest("sha256", Hashing.hex(md.digest()));
        if (!actual.equals(digest)) {
            try {
                Files.deleteIfExists(target);
            } catch (IOException e) {
                // the refusal below is what matters; a stray file is overwritten by the next fetch
            }
            throw new QueueException(
                    "refusing " + target.getFileName() + ": the output store holds " + actual + " under " + digest);
        }
    }
}
