package dev.kiln.registry.internal.s3;

import dev.kiln.content.Digest;
import dev.kiln.objects.S3Location;
import dev.kiln.objects.S3Objects;
import dev.kiln.objects.S3Objects.Precondition;
import dev.kiln.registry.RegistryException;
import dev.kiln.registry.RegistryStorage;
import dev.kiln.registry.internal.ManifestFacts;
import dev.kiln.registry.internal.Names;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Registry storage in an S3 bucket, with the same layout as {@code FileSystemStorage} under the
 * location's prefix:
 * <pre>
 * blobs/sha256/ab/abcd…                             blob and manifest bytes, written once by digest
 * uploads/ID/state                                  an upload in progress (JSON: repository, parts)
 * uploads/ID/part-UUID                              its bytes, in parts of 5 MiB or more but the last
 * repositories/NAME/_layers/sha256/HEX              blob links (empty objects)
 * repositories/NAME/_manifests/revisions/sha256/HEX manifest facts (JSON)
 * repositories/NAME/_manifests/tags/TAG             digest text
 * repositories/NAME/_referrers/sha256/SUBJECT/sha256-HEX  referrer markers
 * in-use/sha256/HEX                                 empty; written when a push relies on a stored blob
 * </pre>
 * Nothing is held in memory between requests except a running hash that only saves work, so any
 * number of processes serve one bucket: an upload started on one continues on another. Every
 * object becomes visible whole (S3 writes are atomic); a blob appears under its digest only after
 * its bytes were checked against it; tags move and uploads advance by conditional writes.
 */
public final class S3Storage implements RegistryStorage, RegistryStorage.BlobUrls, AutoCloseable {
    private final S3Objects objects;
    private final Clock clock;
    private final RunningHashes hashes = new RunningHashes();
    /**
     * Runs the second of two independent small requests a read needs (a blob's link beside its bytes,
     * a manifest's bytes beside its revision) so the two round trips overlap. Not the upload transfer
     * pool: a pull must not queue behind a push's part copies. A thread per read in flight, bounded by
     * the server's request threads; idle ones end.
     */
    private final ExecutorService lookups;

    private S3Storage(S3Objects objects, Clock clock) {
        this.objects = objects;
        this.clock = clock;
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor pool =
                new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "kiln-s3-lookup-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.lookups = pool;
    }

    /** Storage in {@code location}, with endpoint, region and credentials from {@code env} (see {@link S3Objects#open}). */
    public static S3Storage open(S3Location location, Map<String, String> env, Clock clock) {
        return new S3Storage(S3Objects.open(location, env), clock);
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public void close() {
        lookups.shutdown();
        objects.close();
    }

    /** The value of a lookup started beside another request, with its failure as this thread's own. */
    private static <T> T await(Future<T> lookup) throws InterruptedIOException {
        try {
            return lookup.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lookup.cancel(true);
            throw new InterruptedIOException("interrupted while waiting for S3");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new UncheckedIOException(new IOException(e.getCause()));
        }
    }

    /**
     * Removes what a process killed mid-request left under {@code uploads/}: part objects of uploads
     * whose state is gone, older than {@code olderThan}. Uploads with a state expire through the collector.
     */
    public void removeStaleTemporaries(Instant olderThan) {
        Map<String, List<S3Objects.Listed>> byUpload = new java.util.HashMap<>();
        for (S3Objects.Listed o : objects.list("uploads/")) {
            String[] parts = o.path().split("/");
            if (parts.length == 3) {
                byUpload.computeIfAbsent(parts[1], k -> new ArrayList<>()).add(o);
            }
        }
        List<String> orphans = new ArrayList<>();
        byUpload.forEach((id, listed) -> {
            boolean hasState = listed.stream().anyMatch(o -> o.path().endsWith("/state"));
            if (!hasState) {
                listed.stream().filter(o -> o.modified().isBefore(olderThan)).forEach(o -> orphans.add(o.path()));
            }
        });
        objects.deleteAll(orphans);
        // In-use markers of blobs that are gone (collected, or referenced by a manifest that was refused).
        List<String> stray = new ArrayList<>();
        for (S3Objects.Listed o : objects.list("in-use/")) {
            String[] parts = o.path().split("/");
            if (parts.length == 3
                    && o.modified().isBefore(olderThan)
                    && objects.head(blobPath(new Digest(parts[1], parts[2]))).isEmpty()) {
                stray.add(o.path());
            }
        }
        objects.deleteAll(stray);
    }

    @Override
    public String toString() {
        return objects.location().toString();
    }

    S3Objects objects() {
        return objects;
    }

    Clock clock() {
        return clock;
    }

    RunningHashes hashes() {
        return hashes;
    }

    // ---- blobs ----

    static String blobPath(Digest d) {
        return "blobs/" + d.algorithm() + "/" + d.hex().substring(0, 2) + "/" + d.hex();
    }

    @Override
    public Optional<Long> blobSize(Digest digest) {
        return objects.head(blobPath(digest)).map(S3Objects.Meta::size);
    }

    @Override
    public SeekableByteChannel openBlob(Digest digest) {
        return objects.channel(blobPath(digest));
    }

    @Override
    public URI blobUrl(Digest digest, Duration lifetime) {
        return objects.presignedGet(blobPath(digest), lifetime);
    }

    private static String repo(String repository) {
        if (!Names.isRepository(repository)) {
            throw new RegistryException("invalid repository name '" + repository + "'");
        }
        return "repositories/" + repository + "/";
    }

    private static String linkPath(String repository, Digest d) {
        return repo(repository) + "_layers/" + d.algorithm() + "/" + d.hex();
    }

    @Override
    public boolean isLinked(String repository, Digest blob) {
        return objects.head(linkPath(repository, blob)).isPresent();
    }

    /**
     * Sends the blob's GET (whose response carries its size) while the link is checked beside it, so
     * a pull waits for one round trip instead of two; no byte is read before the link is confirmed.
     */
    @Override
    public Optional<SeekableByteChannel> openLinkedBlob(String repository, Digest blob) throws IOException {
        Future<Boolean> linked = lookups.submit(() -> isLinked(repository, blob));
        SeekableByteChannel channel = objects.channel(blobPath(blob));
        try {
            channel.size();
        } catch (NoSuchFileException e) {
            channel.close();
            if (!await(linked)) {
                return Optional.empty(); // not in this repository, whatever the store holds
            }
            throw e;
        } catch (IOException | RuntimeException e) {
            channel.close();
            linked.cancel(true);
            throw e;
        }
        boolean isLinked;
        try {
            isLinked = await(linked);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (!isLinked) {
            channel.close(); // drops the response unread: this repository may not see the bytes
            return Optional.empty();
        }
        return Optional.of(channel);
    }

    @Override
    public void link(String repository, Digest blob) {
        objects.put(linkPath(repository, blob), new byte[0], Precondition.NONE);
    }

    @Override
    public boolean unlink(String repository, Digest blob) {
        return objects.head(linkPath(repository, blob)).isPresent()
                && objects.delete(linkPath(repository, blob), Precondition.NONE);
    }

    // ---- uploads ----

    @Override
    public Upload startUpload(String repository, String algorithm) {
        repo(repository);
        return S3Upload.start(this, UUID.randomUUID().toString(), repository, algorithm);
    }

    @Override
    public Optional<Upload> upload(String repository, String id) {
        if (!id.matches("[A-Za-z0-9-]+")) {
            return Optional.empty();
        }
        return S3Upload.load(this, id)
                .filter(u -> u.repository().equals(repository))
                .map(u -> u);
    }

    @Override
    public List<Upload> uploads() {
        List<Upload> out = new ArrayList<>();
        for (S3Objects.Listed o : objects.list("uploads/")) {
            String[] parts = o.path().split("/");
            if (parts.length == 3 && parts[2].equals("state")) {
                S3Upload.load(this, parts[1]).ifPresent(out::add);
            }
        }
        return out;
    }

    /** Makes a blob visible under its digest from upload parts already checked against it. */
    void publishBlob(List<String> parts, Digest digest) {
        String target = blobPath(digest);
        if (objects.head(target).isPresent()) {
            // Written once: the same digest is the same bytes. Pushed again, it is as young as a new
            // blob for a collector on any replica until its manifest arrives.
            touchBlob(digest);
            return;
        }
        if (parts.isEmpty()) {
            objects.put(target, new byte[0], Precondition.ABSENT);
        } else {
            objects.compose(parts, target);
        }
    }

    // ---- manifests ----

    private static String revisionPath(String repository, Digest d) {
        return repo(repository) + "_manifests/revisions/" + d.algorithm() + "/" + d.hex();
    }

    private static String tagPath(String repository, String tag) {
        if (!Names.isTag(tag)) {
            throw new RegistryException("invalid tag '" + tag + "'");
        }
        return repo(repository) + "_manifests/tags/" + tag;
    }

    private static String referrersDir(String repository, Digest subject) {
        return repo(repository) + "_referrers/" + subject.algorithm() + "/" + subject.hex() + "/";
    }

    @Override
    public void putManifest(String repository, StoredManifest m) {
        // Bytes first, then the referrer marker, then the revision that makes the manifest visible.
        objects.put(blobPath(m.digest()), m.body(), Precondition.ABSENT);
        if (m.subject() != null) {
            objects.put(
                    referrersDir(repository, m.subject()) + m.digest().algorithm() + "-"
                            + m.digest().hex(),
                    new byte[0],
                    Precondition.NONE);
        }
        objects.put(revisionPath(repository, m.digest()), ManifestFacts.encode(m), Precondition.NONE);
    }

    @Override
    public Optional<StoredManifest> manifest(String repository, Digest digest) {
        String where = revisionPath(repository, digest);
        // The bytes are read beside the revision (one round trip instead of two); they are used only
        // when the revision says the manifest is in this repository.
        Future<Optional<S3Objects.Content>> read = lookups.submit(() -> objects.get(blobPath(digest)));
        Optional<S3Objects.Content> facts;
        Optional<S3Objects.Content> body;
        try {
            facts = objects.get(where);
            body = await(read);
        } catch (InterruptedIOException e) {
            throw new UncheckedIOException(e);
        } finally {
            read.cancel(true); // no-op once done; stops waiting for bytes nobody will use
        }
        if (facts.isEmpty()) {
            return Optional.empty();
        }
        if (body.isEmpty()) {
            return Optional.empty(); // collected after its revision was read: gone
        }
        try {
            return Optional.of(ManifestFacts.decode(
                    digest, facts.get().bytes(), body.get().bytes(), objects.location() + "/" + where));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean deleteManifest(String repository, Digest digest) {
        Optional<StoredManifest> existing = manifest(repository, digest);
        if (existing.isEmpty()) {
            return false;
        }
        objects.delete(revisionPath(repository, digest), Precondition.NONE);
        for (String tag : tags(repository)) {
            // Only if the tag still holds this digest: a tag another replica just moved stays.
            objects.get(tagPath(repository, tag))
                    .filter(t -> parseTag(t).equals(digest))
                    .ifPresent(t -> objects.delete(tagPath(repository, tag), Precondition.matching(t.etag())));
        }
        if (existing.get().subject() != null) {
            objects.delete(
                    referrersDir(repository, existing.get().subject()) + digest.algorithm() + "-" + digest.hex(),
                    Precondition.NONE);
        }
        return true;
    }

    private static Digest parseTag(S3Objects.Content tag) {
        return Digest.parse(new String(tag.bytes(), StandardCharsets.US_ASCII).trim());
    }

    /**
     * Points a tag at a manifest by a conditional write: create with {@code If-None-Match: *}, or
     * replace with {@code If-Match} on the version read. A concurrent writer makes the condition
     * fail and the loop reads again, so each write applies to the state it saw.
     */
    @Override
    public void tag(String repository, String tag, Digest manifest) {
        String path = tagPath(repository, tag);
        byte[] body = manifest.toString().getBytes(StandardCharsets.US_ASCII);
        for (int attempt = 0; attempt < 20; attempt++) {
            Optional<S3Objects.Content> current = objects.get(path);
            if (current.isPresent() && parseTag(current.get()).equals(manifest)) {
                return;
            }
            Precondition when =
                    current.map(c -> Precondition.matching(c.etag())).orElse(Precondition.ABSENT);
            if (objects.put(path, body, when).isPresent()) {
                return;
            }
        }
        throw new RegistryException("tag " + repository + ":" + tag + " kept changing under 20 attempts to set it to "
                + manifest + " in " + objects.location());
    }

    @Override
    public Optional<Digest> resolveTag(String repository, String tag) {
        return objects.get(tagPath(repository, tag)).map(S3Storage::parseTag);
    }

    @Override
    public boolean deleteTag(String repository, String tag) {
        return objects.head(tagPath(repository, tag)).isPresent()
                && objects.delete(tagPath(repository, tag), Precondition.NONE);
    }

    @Override
    public List<String> tags(String repository) {
        return childNames(repo(repository) + "_manifests/tags/");
    }

    private List<String> childNames(String dir) {
        List<String> names = new ArrayList<>();
        for (S3Objects.Listed o : objects.list(dir)) {
            String rest = o.path().substring(dir.length());
            if (!rest.isEmpty()) {
                names.add(rest);
            }
        }
        names.sort(null);
        return names;
    }

    @Override
    public boolean repositoryExists(String repository) {
        String dir = repo(repository);
        return objects.anyUnder(dir + "_manifests/") || objects.anyUnder(dir + "_layers/");
    }

    @Override
    public List<String> repositories() {
        TreeSet<String> names = new TreeSet<>();
        String dir = "repositories/";
        for (S3Objects.Listed o : objects.list(dir)) {
            String rest = o.path().substring(dir.length());
            // A name component never starts with '_', so the first "/_" ends the repository name.
            int end = rest.indexOf("/_manifests/");
            int layers = rest.indexOf("/_layers/");
            if (end < 0 || (layers >= 0 && layers < end)) {
                end = layers;
            }
            if (end > 0) {
                names.add(rest.substring(0, end));
            }
        }
        return new ArrayList<>(names);
    }

    @Override
    public List<StoredManifest> referrers(String repository, Digest subject) {
        List<StoredManifest> out = new ArrayList<>();
        for (String marker : childNames(referrersDir(repository, subject))) {
            int dash = marker.indexOf('-');
            if (dash > 0) {
                manifest(repository, new Digest(marker.substring(0, dash), marker.substring(dash + 1)))
                        .ifPresent(out::add);
            }
        }
        return out;
    }

    @Override
    public List<Digest> manifests(String repository) {
        List<Digest> out = new ArrayList<>();
        for (String name : childNames(repo(repository) + "_manifests/revisions/")) {
            int slash = name.indexOf('/');
            if (slash > 0) {
                out.add(new Digest(name.substring(0, slash), name.substring(slash + 1)));
            }
        }
        return out;
    }

    @Override
    public List<BlobEntry> blobs() {
        // Markers first: one written after this listing belongs to a push the collector re-checks.
        Map<Digest, Instant> inUse = new java.util.HashMap<>();
        for (S3Objects.Listed o : objects.list("in-use/")) {
            String[] parts = o.path().split("/");
            if (parts.length == 3) {
                inUse.put(new Digest(parts[1], parts[2]), o.modified());
            }
        }
        List<BlobEntry> out = new ArrayList<>();
        for (S3Objects.Listed o : objects.list("blobs/")) {
            String[] parts = o.path().split("/");
            if (parts.length == 4) {
                Digest digest = new Digest(parts[1], parts[3]);
                Instant used = inUse.getOrDefault(digest, o.modified());
                out.add(new BlobEntry(digest, o.size(), used.isAfter(o.modified()) ? used : o.modified()));
            }
        }
        return out;
    }

    static String inUsePath(Digest d) {
        return "in-use/" + d.algorithm() + "/" + d.hex();
    }

    /**
     * Writes the blob's in-use marker; its Last-Modified, set by the store, is the blob's last use.
     * Another object rather than the blob itself: S3 cannot change an object's time without copying
     * its bytes.
     */
    @Override
    public void touchBlob(Digest digest) {
        objects.put(inUsePath(digest), new byte[0], Precondition.NONE);
    }

    /** The blob's last use as seen now: the later of its write and its in-use marker, or empty when absent. */
    public Optional<Instant> lastUse(Digest digest) {
        Optional<S3Objects.Meta> blob = objects.head(blobPath(digest));
        if (blob.isEmpty()) {
            return Optional.empty();
        }
        Instant used = blob.get().modified();
        Optional<S3Objects.Meta> marker = objects.head(inUsePath(digest));
        return Optional.of(
                marker.isPresent() && marker.get().modified().isAfter(used)
                        ? marker.get().modified()
                        : used);
    }

    @Override
    public void deleteBlob(Digest digest) {
        for (String repository : repositories()) {
            unlink(repository, digest);
        }
        objects.delete(blobPath(digest), Precondition.NONE);
        objects.delete(inUsePath(digest), Precondition.NONE);
    }
}
