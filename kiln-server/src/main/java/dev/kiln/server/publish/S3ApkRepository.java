package dev.kiln.server.publish;

import dev.kiln.apk.ApkException;
import dev.kiln.apk.ApkIndex;
import dev.kiln.apk.ApkPackage;
import dev.kiln.apk.ApkReader;
import dev.kiln.apk.ApkRepository;
import dev.kiln.apk.ApkSigningKey;
import dev.kiln.apk.IndexEntry;
import dev.kiln.apk.TrustedKeys;
import dev.kiln.content.AtomicFiles;
import dev.kiln.content.ContentException;
import dev.kiln.content.Digest;
import dev.kiln.content.FileTrees;
import dev.kiln.content.Hashing;
import dev.kiln.objects.ObjectStoreException;
import dev.kiln.objects.S3Location;
import dev.kiln.objects.S3Objects;
import dev.kiln.objects.S3Objects.Precondition;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * An APK repository in object storage, laid out as {@link ApkRepository} lays out a folder:
 * {@code PREFIX/ARCH/NAME-VERSION.apk} beside {@code PREFIX/ARCH/APKINDEX.tar.gz}, so apk-tools reads it over HTTP
 * as it reads any repository. Several publishers may publish at once (reconcilers on other machines) and none loses
 * another's packages:
 *
 * <ol>
 *   <li>the index is read with its ETag, and the merged, signed index is made by {@link ApkRepository#publish} in a
 *       temporary folder holding the index read (so every check of a local publish applies: package signatures,
 *       architecture, the index's signing key);
 *   <li>each package is written once, with {@code If-None-Match: *}; a package already there must have the same
 *       bytes (a published name and version never changes);
 *   <li>the index is replaced with {@code If-Match} on the ETag read (or created with {@code If-None-Match: *}); when
 *       another publisher replaced it in between, the server refuses (412) and the three steps run again on the
 *       index that publisher wrote.
 * </ol>
 *
 * Packages go before the index, and an object appears only once its PUT completes, so a reader never sees an index
 * entry whose package is missing or partial.
 */
public final class S3ApkRepository implements AutoCloseable {
    /** Index writes lost to other publishers before giving up: each loss means another publish went through. */
    static final int MAX_ATTEMPTS = 100;

    private final S3Objects objects;
    private final Path workDir;
    private Runnable afterIndexRead = () -> {};

    private S3ApkRepository(S3Objects objects, Path workDir) {
        this.objects = objects;
        this.workDir = workDir;
    }

    /**
     * The repository at {@code location} (endpoint, region and credentials from the AWS variables in {@code env});
     * merged indexes are made in temporary folders under {@code workDir}.
     */
    public static S3ApkRepository open(S3Location location, Map<String, String> env, Path workDir) {
        return new S3ApkRepository(S3Objects.open(location, env), workDir);
    }

    /** What {@link #publish} did: package file names written, those already there with equal bytes, the new index. */
    public record Published(List<String> added, List<String> unchanged, ApkIndex index, int attempts) {
        public Published {
            added = List.copyOf(added);
            unchanged = List.copyOf(unchanged);
        }
    }

    /** Runs between reading the index and writing the merged one: where a test lets another publisher in. */
    void afterIndexRead(Runnable hook) {
        this.afterIndexRead = hook;
    }

    /** The current index of {@code arch}, empty if none was written yet; the signature is not checked. */
    public ApkIndex index(String arch) {
        Path dir = temporaryFolder();
        try {
            Optional<S3Objects.Content> current = objects.get(indexKey(arch));
            if (current.isEmpty()) {
                return ApkIndex.of(List.of());
            }
            Path file = Files.write(
                    dir.resolve(ApkRepository.INDEX_FILE), current.get().bytes());
            return ApkIndex.readUnverified(file);
        } catch (IOException e) {
            throw new PublishException("cannot read the index of " + where(arch) + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(dir);
        }
    }

    /**
     * Publishes {@code apks} (each signed by {@code key}) into {@code arch} and re-signs its index with {@code key},
     * keeping every package other publishers added meanwhile. Nothing is written unless every package passes the
     * checks of {@link ApkRepository#publish}.
     */
    public Published publish(String arch, List<Path> apks, ApkSigningKey key, long sourceDateEpoch) {
        List<String> added = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        boolean packagesWritten = false;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Path dir = temporaryFolder();
            try {
                Optional<S3Objects.Content> current = objects.get(indexKey(arch));
                afterIndexRead.run();
                ApkRepository local = new ApkRepository(dir);
                Path localIndex = local.archDir(arch).resolve(ApkRepository.INDEX_FILE);
                if (current.isPresent()) {
                    Files.createDirectories(localIndex.getParent());
                    Files.write(localIndex, current.get().bytes());
                }
                ApkRepository.PublishResult merged = local.publish(arch, apks, key, sourceDateEpoch);
                if (!packagesWritten) {
                    for (Path apk : merged.added()) {
                        String name = apk.getFileName().toString();
                        (putOnce(arch, apk) ? added : unchanged).add(name);
                    }
                    packagesWritten = true;
                }
                Precondition when =
                        current.map(c -> Precondition.matching(c.etag())).orElse(Precondition.ABSENT);
                if (objects.putFile(indexKey(arch), merged.indexFile(), when).isPresent()) {
                    return new Published(added, unchanged, merged.index(), attempt);
                }
                // another publisher replaced the index since it was read: merge again with theirs
            } catch (IOException | ObjectStoreException e) {
                throw new PublishException("cannot publish to " + where(arch) + ": " + e.getMessage(), e);
            } finally {
                deleteQuietly(dir);
            }
        }
        throw new PublishException("cannot publish to " + where(arch) + ": the index changed under each of "
                + MAX_ATTEMPTS + " attempts; other publishers are writing it continuously");
    }

    /** What {@link #mirror} did: the verified index now in the mirror, package files fetched, kept and removed. */
    public record Mirrored(ApkIndex index, List<String> fetched, List<String> kept, List<String> removed) {
        public Mirrored {
            fetched = List.copyOf(fetched);
            kept = List.copyOf(kept);
            removed = List.copyOf(removed);
        }
    }

    /**
     * Makes {@code target/ARCH} a copy of this repository's {@code arch} that an image build can read as a local
     * repository, trusting nothing it has not checked: the index must verify with {@code keys}, and each package
     * fetched must have the identity its index entry names and verify with {@code keys} (its signature, data hash and
     * file checksums), as {@link dev.kiln.apk.LocalRepositories} checks them again when it installs one. Packages
     * already in the mirror with the right identity are not fetched again; the index goes last, so a reader of the
     * mirror never finds an entry whose package is missing; files no entry names are removed after it. Returns
     * empty when the repository has no index for {@code arch} yet (the mirror is left as it was).
     */
    public Optional<Mirrored> mirror(String arch, Path target, TrustedKeys keys) {
        Path dir = temporaryFolder();
        try {
            Optional<S3Objects.Content> current = objects.get(indexKey(arch));
            if (current.isEmpty()) {
                return Optional.empty();
            }
            Path fetchedIndex = Files.write(
                    dir.resolve(ApkRepository.INDEX_FILE), current.get().bytes());
            ApkIndex index;
            try {
                index = ApkIndex.read(fetchedIndex, keys);
            } catch (ApkException e) {
                throw new PublishException(
                        "cannot mirror " + objects.describe(indexKey(arch)) + ": " + e.getMessage(), e);
            }
            Path archDir = new ApkRepository(target).archDir(arch);
            List<String> fetched = new ArrayList<>();
            List<String> kept = new ArrayList<>();
            Set<String> named = new HashSet<>();
            named.add(ApkRepository.INDEX_FILE);
            for (IndexEntry entry : index.entries()) {
                String name = entry.name() + "-" + entry.version() + ".apk";
                named.add(name);
                Path local = archDir.resolve(name);
                if (Files.isRegularFile(local) && hasIdentity(local, entry)) {
                    kept.add(name);
                    continue;
                }
                Path download = dir.resolve(name);
                try (InputStream in = objects.read(arch + "/" + name, 0)) {
                    Files.copy(in, download);
                }
                try {
                    ApkPackage pkg = ApkReader.read(download);
                    if (!pkg.identity().equals(entry.checksum())) {
                        throw new ApkException(
                                "its identity is " + pkg.identity() + " but the index says " + entry.checksum());
                    }
                    pkg.verify(keys);
                } catch (ApkException e) {
                    throw new PublishException(
                            "cannot mirror " + objects.describe(arch + "/" + name) + ": " + e.getMessage(), e);
                }
                AtomicFiles.copy(download, local);
                fetched.add(name);
            }
            AtomicFiles.copy(fetchedIndex, archDir.resolve(ApkRepository.INDEX_FILE));
            List<String> removed = new ArrayList<>();
            try (Stream<Path> files = Files.list(archDir)) {
                for (Path stale : files.filter(
                                f -> !named.contains(f.getFileName().toString()))
                        .sorted()
                        .toList()) {
                    Files.deleteIfExists(stale);
                    removed.add(stale.getFileName().toString());
                }
            }
            return Optional.of(new Mirrored(index, fetched, kept, removed));
        } catch (IOException | ObjectStoreException | ContentException e) {
            throw new PublishException("cannot mirror " + where(arch) + " into " + target + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(dir);
        }
    }

    /** Whether the package at {@code file} is the one {@code entry} names; an unreadable file is not. */
    private static boolean hasIdentity(Path file, IndexEntry entry) {
        try {
            return ApkReader.read(file).identity().equals(entry.checksum());
        } catch (ApkException e) {
            return false;
        }
    }

    /** What {@link #collect} did: packages deleted, and orphans kept because they are younger than the grace. */
    public record Collected(List<String> deleted, List<String> young, int indexed) {
        public Collected {
            deleted = List.copyOf(deleted);
            young = List.copyOf(young);
        }
    }

    /**
     * Deletes the packages no index names that were last written more than {@code grace} before {@code now}: those
     * of publishes that failed after writing them (a later package of the same publish was refused, the process
     * died). Every architecture under the prefix is collected; one without an index has only orphans. A publish
     * writes its packages before its index, so an orphan younger than the grace may be a publish in flight, and is
     * kept; a publish that finds its package already there renews it ({@link #putOnce}), so an orphan being published
     * again is young too. The listing comes before the index is read (a package indexed meanwhile is seen as
     * indexed), and each candidate is looked at again just before its delete, which names the version looked at.
     * The remaining window: this collector pausing between that look and the delete for longer than a publish takes.
     */
    public Collected collect(Duration grace, Instant now) {
        Instant cutoff = now.minus(grace);
        List<String> deleted = new ArrayList<>();
        List<String> young = new ArrayList<>();
        int indexed = 0;
        try {
            Map<String, List<S3Objects.Listed>> byArch = new TreeMap<>();
            for (S3Objects.Listed o : objects.list("")) {
                int slash = o.path().indexOf('/');
                if (slash > 0 && o.path().endsWith(".apk") && o.path().indexOf('/', slash + 1) < 0) {
                    byArch.computeIfAbsent(o.path().substring(0, slash), a -> new ArrayList<>())
                            .add(o);
                }
            }
            for (Map.Entry<String, List<S3Objects.Listed>> arch : byArch.entrySet()) {
                Set<String> named = new HashSet<>();
                for (IndexEntry e : index(arch.getKey()).entries()) {
                    named.add(arch.getKey() + "/" + e.name() + "-" + e.version() + ".apk");
                }
                for (S3Objects.Listed o : arch.getValue()) {
                    if (named.contains(o.path())) {
                        indexed++;
                        continue;
                    }
                    if (o.modified().isAfter(cutoff)) {
                        young.add(o.path());
                        continue;
                    }
                    Optional<S3Objects.Meta> current = objects.head(o.path());
                    if (current.isEmpty()) {
                        continue;
                    }
                    if (current.get().modified().isAfter(cutoff)) {
                        young.add(o.path());
                    } else if (objects.delete(
                            o.path(), Precondition.matching(current.get().etag()))) {
                        deleted.add(o.path());
                    }
                }
            }
        } catch (ObjectStoreException e) {
            throw new PublishException("cannot collect " + objects.describe("") + ": " + e.getMessage(), e);
        }
        return new Collected(deleted, young, indexed);
    }

    /**
     * Writes a package under its file name unless one is there; returns whether this call wrote it. One already
     * there must hold the same bytes: a published name and version is immutable, as in a local repository.
     */
    private boolean putOnce(String arch, Path apk) throws IOException {
        String key = arch + "/" + apk.getFileName();
        if (objects.putFile(key, apk, Precondition.ABSENT).isPresent()) {
            return true;
        }
        Digest mine = Digest.sha256(apk);
        Digest theirs;
        MessageDigest md = Hashing.sha256();
        try (InputStream in = new DigestInputStream(objects.read(key, 0), md)) {
            in.transferTo(OutputStream.nullOutputStream());
            theirs = Digest.ofSha256(md.digest());
        }
        if (!theirs.equals(mine)) {
            throw new PublishException("cannot publish " + apk.getFileName() + ": " + objects.describe(key)
                    + " already published with different bytes: " + theirs + " vs " + mine
                    + " (bump the epoch to publish a rebuild)");
        }
        // Written again, same bytes, on the version read: its Last-Modified becomes now, so a collection (which
        // takes unindexed packages older than its grace) does not take the orphan of an earlier failed publish
        // that this publish is about to index. A failed precondition means another publisher renewed it.
        objects.head(key).ifPresent(meta -> objects.putFile(key, apk, Precondition.matching(meta.etag())));
        return false;
    }

    private static String indexKey(String arch) {
        return arch + "/" + ApkRepository.INDEX_FILE;
    }

    private String where(String arch) {
        return objects.describe(arch + "/");
    }

    private Path temporaryFolder() {
        try {
            Files.createDirectories(workDir);
            return Files.createTempDirectory(workDir, "apk-publish-");
        } catch (IOException e) {
            throw new PublishException("cannot create a folder in " + workDir + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            FileTrees.delete(dir);
        } catch (IOException e) {
            // a temporary folder under the work directory; the next run's clean-up or the OS removes it
        }
    }

    @Override
    public void close() {
        objects.close();
    }

    @Override
    public String toString() {
        return objects.location().toString();
    }
}
