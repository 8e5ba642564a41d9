package dev.kiln.registry.internal.s3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.content.Digest;
import dev.kiln.content.Hashing;
import dev.kiln.objects.S3Objects;
import dev.kiln.objects.S3Objects.Precondition;
import dev.kiln.registry.RegistryException;
import dev.kiln.registry.RegistryStorage;
import dev.kiln.registry.internal.Names;
import dev.kiln.registry.internal.UploadHashes;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;

/**
 * An upload whose whole state lives in the bucket: {@code uploads/ID/state} lists the part objects
 * that hold its bytes so far. A chunk is written as new part objects, then the state is replaced
 * with {@code If-Match} on the version this handle read: when another replica appended first, the
 * write fails, the new parts are deleted and the client is told to resume from the stored offset.
 *
 * <p>A chunk whose length the client declared, larger than 8 MiB, is streamed into one part object
 * of its length. Other chunks are cut into 8 MiB parts; a chunk that ends with less than S3's 5 MiB
 * minimum leaves a short last part, which the next chunk reads back and rewrites with its own bytes,
 * so at completion every part but the last is large enough to be copied as a part of the final blob.
 */
final class S3Upload implements RegistryStorage.Upload {
    static final int PART_SIZE = 8 << 20;

    /** The largest chunk streamed as one part object: S3's largest single PUT and copy source. */
    static final long MAX_STREAMED_PART = 5L << 30;

    private static final ObjectMapper JSON = new ObjectMapper();

    record Part(String name, long size) {}

    private final S3Storage storage;
    private final S3Objects objects;
    private final String id;
    private final String repository;
    private final String algorithm;
    private String version;
    private List<Part> parts;
    private Instant updated;
    private boolean finished;

    private S3Upload(
            S3Storage storage,
            String id,
            String repository,
            String algorithm,
            String version,
            List<Part> parts,
            Instant updated) {
        this.storage = storage;
        this.objects = storage.objects();
        this.id = id;
        this.repository = repository;
        this.algorithm = algorithm;
        this.version = version;
        this.parts = List.copyOf(parts);
        this.updated = updated;
    }

    private static String dir(String id) {
        return "uploads/" + id + "/";
    }

    static S3Upload start(S3Storage storage, String id, String repository, String algorithm) {
        Instant now = storage.clock().instant();
        String version = storage.objects()
                .put(dir(id) + "state", encode(repository, algorithm, List.of(), now), Precondition.ABSENT)
                .orElseThrow(() -> new RegistryException("upload id " + id + " is already taken in "
                        + storage.objects().location()));
        return new S3Upload(storage, id, repository, algorithm, version, List.of(), now);
    }

    static Optional<S3Upload> load(S3Storage storage, String id) {
        String path = dir(id) + "state";
        return storage.objects().get(path).map(content -> {
            try {
                JsonNode state = JSON.readTree(content.bytes());
                String repository = state.path("repository").asText();
                if (!Names.isRepository(repository)) {
                    throw new IOException("repository '" + repository + "' is not a valid name");
                }
                List<Part> parts = new ArrayList<>();
                state.path("parts")
                        .forEach(p -> parts.add(
                                new Part(p.path("name").asText(), p.path("size").asLong())));
                return new S3Upload(
                        storage,
                        id,
                        repository,
                        state.path("algorithm").asText("sha256"),
                        content.etag(),
                        parts,
                        Instant.parse(state.path("updated").asText()));
            } catch (IOException | RuntimeException e) {
                throw new RegistryException(
                        storage.objects().location() + "/" + path + ": unreadable upload state: " + e.getMessage(), e);
            }
        });
    }

    private static byte[] encode(String repository, String algorithm, List<Part> parts, Instant updated) {
        ObjectNode state = JSON.createObjectNode();
        state.put("repository", repository);
        state.put("algorithm", algorithm);
        state.put("updated", updated.toString());
        ArrayNode list = state.putArray("parts");
        for (Part p : parts) {
            list.addObject().put("name", p.name()).put("size", p.size());
        }
        try {
            return JSON.writeValueAsBytes(state);
        } catch (IOException e) {
            throw new RegistryException("cannot encode upload state of " + repository, e);
        }
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
        return parts.stream().mapToLong(Part::size).sum();
    }

    @Override
    public synchronized Instant lastActivity() {
        return updated;
    }

    /**
     * A chunk of declared length above one part goes to S3 as it arrives, as one part object of
     * that length (up to S3's 5 GiB for a single PUT): no buffer, and a blob pushed in one chunk
     * (as skopeo, docker and containerd push) is one object that completion copies once under its
     * digest, instead of parts copied into a multipart upload that is then assembled.
     */
    @Override
    public synchronized long append(InputStream in, long length, long limit) throws IOException {
        boolean shortTail = !parts.isEmpty() && parts.get(parts.size() - 1).size() < S3Objects.MIN_PART;
        if (length <= PART_SIZE || length > limit || length > MAX_STREAMED_PART || shortTail) {
            return append(in, limit);
        }
        ensureOpen();
        long start = size();
        MessageDigest running = start == 0
                ? UploadHashes.forAlgorithm(algorithm)
                : storage.hashes().get(id, version, start);
        DigestInputStream hashing =
                new DigestInputStream(in, running != null ? running : UploadHashes.forAlgorithm(algorithm));
        hashing.on(running != null);
        Part part = new Part("part-" + UUID.randomUUID(), length);
        String newVersion;
        Instant now;
        List<Part> kept = new ArrayList<>(parts);
        kept.add(part);
        try {
            objects.putStream(dir(id) + part.name(), hashing, length);
            now = storage.clock().instant();
            newVersion = objects.put(
                            dir(id) + "state", encode(repository, algorithm, kept, now), Precondition.matching(version))
                    .orElse(null);
            if (newVersion == null) {
                throw new RegistryStorage.UploadConflictException("upload " + id + " moved past offset " + start
                        + " in another registry process; the chunk was not kept");
            }
        } catch (IOException | RuntimeException e) {
            deleteQuietly(part, e);
            throw e;
        }
        updated = now;
        version = newVersion;
        parts = List.copyOf(kept);
        if (running != null) {
            storage.hashes().put(id, version, start + length, running);
        }
        return length;
    }

    @Override
    public synchronized long append(InputStream in, long limit) throws IOException {
        ensureOpen();
        long start = size();
        MessageDigest running = start == 0
                ? UploadHashes.forAlgorithm(algorithm)
                : storage.hashes().get(id, version, start);
        List<Part> kept = new ArrayList<>(parts);
        byte[] buf = new byte[PART_SIZE];
        int fill = 0;
        Part tail = null;
        if (!kept.isEmpty() && kept.get(kept.size() - 1).size() < S3Objects.MIN_PART) {
            tail = kept.remove(kept.size() - 1);
            fill = readTail(tail, buf);
        }
        List<Part> written = new ArrayList<>();
        Deque<Future<?>> inFlight = new ArrayDeque<>();
        long received = 0;
        String newVersion;
        try {
            for (int n; (n = in.read(buf, fill, buf.length - fill)) > 0; ) {
                received += n;
                if (received > limit) {
                    throw new RegistryStorage.UploadTooLargeException(
                            "upload " + id + " is larger than " + limit + " bytes");
                }
                if (running != null) {
                    running.update(buf, fill, n);
                }
                fill += n;
                if (fill == buf.length) {
                    written.add(writePart(buf, fill, inFlight));
                    buf = new byte[PART_SIZE]; // the full one belongs to its upload until that finishes
                    fill = 0;
                }
            }
            if (received == 0) {
                return 0;
            }
            if (fill > 0) {
                written.add(writePart(buf, fill, inFlight));
            }
            while (!inFlight.isEmpty()) {
                S3Objects.await(inFlight.removeFirst());
            }
            kept.addAll(written);
            Instant now = storage.clock().instant();
            newVersion = objects.put(
                            dir(id) + "state", encode(repository, algorithm, kept, now), Precondition.matching(version))
                    .orElse(null);
            if (newVersion == null) {
                throw new RegistryStorage.UploadConflictException("upload " + id + " moved past offset " + start
                        + " in another registry process; the chunk was not kept");
            }
            updated = now;
        } catch (IOException | RuntimeException e) {
            // Nothing of this chunk is kept, so a client resuming from the stored offset is always right.
            for (Future<?> f : inFlight) {
                try {
                    S3Objects.await(f);
                } catch (RuntimeException ignored) {
                    // its part is deleted below like the others
                }
            }
            for (Part p : written) {
                deleteQuietly(p, e);
            }
            throw e;
        }
        if (tail != null) {
            deleteQuietly(tail, null); // its bytes now live in the first new part
        }
        version = newVersion;
        parts = List.copyOf(kept);
        if (running != null) {
            storage.hashes().put(id, version, start + received, running);
        }
        return received;
    }

    private int readTail(Part tail, byte[] buf) throws IOException {
        if (objects.head(dir(id) + tail.name()).isEmpty()) {
            // another replica appended since this state was read and rewrote the short part with its bytes
            throw new RegistryStorage.UploadConflictException(
                    "upload " + id + " moved past offset " + size() + " in another registry process");
        }
        try (InputStream in = objects.read(dir(id) + tail.name(), 0)) {
            int fill = 0;
            for (int n; fill < tail.size() && (n = in.read(buf, fill, (int) tail.size() - fill)) > 0; ) {
                fill += n;
            }
            if (fill != tail.size()) {
                throw new IOException("upload " + id + " part " + tail.name() + " holds " + fill + " bytes, state says "
                        + tail.size());
            }
            return fill;
        }
    }

    /**
     * Starts writing a part beside the request, so reading the client's next bytes overlaps sending
     * these; at most two parts per upload are in flight, which bounds its memory to three buffers.
     */
    private Part writePart(byte[] buf, int length, Deque<Future<?>> inFlight) {
        while (inFlight.size() >= 2) {
            S3Objects.await(inFlight.removeFirst());
        }
        Part part = new Part("part-" + UUID.randomUUID(), length);
        inFlight.add(
                objects.transfers().submit(() -> objects.put(dir(id) + part.name(), buf, length, Precondition.NONE)));
        return part;
    }

    private void deleteQuietly(Part part, @Nullable Exception failure) {
        try {
            objects.delete(dir(id) + part.name(), Precondition.NONE);
        } catch (RuntimeException e) {
            // left for upload expiry to remove with the rest of the folder
            if (failure != null) {
                failure.addSuppressed(e);
            }
        }
    }

    @Override
    public synchronized void commit(Digest expected) throws IOException {
        ensureOpen();
        MessageDigest md =
                expected.algorithm().equals(algorithm) ? storage.hashes().get(id, version, size()) : null;
        if (md == null) {
            md = rehash(expected.algorithm());
        }
        Digest actual = new Digest(expected.algorithm(), Hashing.hex(md.digest()));
        if (!actual.equals(expected)) {
            cancel();
            throw new RegistryStorage.DigestMismatchException(
                    "upload " + id + " has digest " + actual + ", not " + expected, actual);
        }
        storage.publishBlob(parts.stream().map(p -> dir(id) + p.name()).toList(), expected);
        storage.link(repository, expected);
        finish();
    }

    private MessageDigest rehash(String alg) throws IOException {
        MessageDigest md = UploadHashes.forAlgorithm(alg);
        byte[] buf = new byte[1 << 17];
        for (Part p : parts) {
            try (InputStream in = objects.read(dir(id) + p.name(), 0)) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    md.update(buf, 0, n);
                }
            }
        }
        return md;
    }

    @Override
    public synchronized void cancel() {
        if (!finished) {
            finish();
        }
    }

    /** The state goes first, so the upload stops existing for every replica before its parts go. */
    private void finish() {
        finished = true;
        storage.hashes().remove(id);
        objects.delete(dir(id) + "state", Precondition.NONE);
        objects.deleteAll(
                objects.list(dir(id)).stream().map(S3Objects.Listed::path).toList());
    }

    private void ensureOpen() throws IOException {
        if (finished) {
            throw new IOException("upload " + id + " has ended");
        }
    }
}
