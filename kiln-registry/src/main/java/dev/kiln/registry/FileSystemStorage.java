package dev.kiln.registry;

import dev.kiln.content.AtomicFiles;
import dev.kiln.content.Digest;
import dev.kiln.registry.internal.FileUpload;
import dev.kiln.registry.internal.ManifestFacts;
import dev.kiln.registry.internal.Names;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Content-addressed storage in a directory:
 * <pre>
 * blobs/sha256/ab/abcd…                          blob and manifest bytes
 * uploads/ID/{info,data}                          uploads in progress
 * repositories/NAME/_layers/sha256/HEX            blob links (empty files)
 * repositories/NAME/_manifests/revisions/sha256/HEX  manifest facts (JSON)
 * repositories/NAME/_manifests/tags/TAG           digest text
 * repositories/NAME/_referrers/sha256/SUBJECT/sha256-HEX  referrer markers
 * </pre>
 * A name component never starts with {@code _}, so the bookkeeping folders cannot collide with
 * nested repositories. Every visible file appears by atomic rename or atomic create, after fsync.
 */
public final class FileSystemStorage implements RegistryStorage {
    private final Path root;
    private final Path blobs;
    private final Path uploadsDir;
    private final Path repositories;
    private final Clock clock;
    private final Map<String, FileUpload> uploads = new ConcurrentHashMap<>();

    /** Opens (creating if needed) storage under {@code root}; uploads left by a previous process are recovered. */
    public FileSystemStorage(Path root, Clock clock) {
        this.root = root.toAbsolutePath();
        this.blobs = this.root.resolve("blobs");
        this.uploadsDir = this.root.resolve("uploads");
        this.repositories = this.root.resolve("repositories");
        this.clock = clock;
        try {
            Files.createDirectories(blobs);
            Files.createDirectories(uploadsDir);
            Files.createDirectories(repositories);
        } catch (IOException e) {
            throw new RegistryException("cannot create registry storage in " + root + ": " + e.getMessage(), e);
        }
        recoverUploads();
    }

    public Path root() {
        return root;
    }

    // ---- blobs ----

    private Path blobPath(Digest d) {
        return blobs.resolve(d.algorithm()).resolve(d.hex().substring(0, 2)).resolve(d.hex());
    }

    @Override
    public Optional<Long> blobSize(Digest digest) {
        try {
            return Optional.of(Files.size(blobPath(digest)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public SeekableByteChannel openBlob(Digest digest) throws IOException {
        return FileChannel.open(blobPath(digest), StandardOpenOption.READ);
    }

    /** Path of a blob's bytes, for zero-copy serving; the file may vanish after a delete. */
    public Path blobFile(Digest digest) {
        return blobPath(digest);
    }

    /** Moves a fully written, fsynced file into the store; an identical blob already there wins. */
    public void publishBlob(Path file, Digest digest) throws IOException {
        Path target = blobPath(digest);
        if (Files.exists(target)) {
            Files.deleteIfExists(file);
            touchBlob(digest); // pushed again: as young as a new one for the collector
            return;
        }
        Files.createDirectories(target.getParent());
        Files.move(
                file,
                target,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(parent(target));
    }

    private Path repo(String repository) {
        if (!Names.isRepository(repository)) {
            throw new RegistryException("invalid repository name '" + repository + "'");
        }
        return repositories.resolve(repository);
    }

    private Path linkPath(String repository, Digest d) {
        return repo(repository).resolve("_layers").resolve(d.algorithm()).resolve(d.hex());
    }

    @Override
    public boolean isLinked(String repository, Digest blob) {
        return Files.exists(linkPath(repository, blob));
    }

    @Override
    public void link(String repository, Digest blob) {
        createMarker(linkPath(repository, blob));
    }

    @Override
    public boolean unlink(String repository, Digest blob) {
        return delete(linkPath(repository, blob));
    }

    // ---- uploads ----

    @Override
    public Upload startUpload(String repository, String algorithm) {
        repo(repository);
        String id = UUID.randomUUID().toString();
        FileUpload upload = FileUpload.create(uploadsDir.resolve(id), id, repository, algorithm, clock, this);
        uploads.put(id, upload);
        return upload;
    }

    @Override
    public Optional<Upload> upload(String repository, String id) {
        FileUpload upload = uploads.computeIfAbsent(id, this::recoverUpload);
        if (upload != null && !upload.stillStored()) {
            // completed or cancelled by another process over the same folder
            uploads.remove(id);
            return Optional.empty();
        }
        return upload != null && upload.repository().equals(repository) && !upload.finished()
                ? Optional.of(upload)
                : Optional.empty();
    }

    /** An upload another process over the same folder started; null when there is none. */
    private @Nullable FileUpload recoverUpload(String id) {
        Path dir = uploadsDir.resolve(id);
        if (!id.matches("[A-Za-z0-9-]+") || !Files.isDirectory(dir)) {
            return null;
        }
        try {
            return FileUpload.recover(dir, clock, this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read upload " + id + " in " + dir, e);
        }
    }

    /** Called by an upload when it ends, so it stops being listed. */
    public void forget(String id) {
        uploads.remove(id);
    }

    @Override
    public List<Upload> uploads() {
        return List.copyOf(uploads.values());
    }

    private void recoverUploads() {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(uploadsDir)) {
            for (Path dir : dirs) {
                FileUpload upload = FileUpload.recover(dir, clock, this);
                if (upload != null) {
                    uploads.put(upload.id(), upload);
                }
            }
        } catch (IOException e) {
            throw new RegistryException("cannot list uploads in " + uploadsDir + ": " + e.getMessage(), e);
        }
    }

    // ---- manifests ----

    private Path revisionPath(String repository, Digest d) {
        return repo(repository)
                .resolve("_manifests/revisions")
                .resolve(d.algorithm())
                .resolve(d.hex());
    }

    private Path tagPath(String repository, String tag) {
        if (!Names.isTag(tag)) {
            throw new RegistryException("invalid tag '" + tag + "'");
        }
        return repo(repository).resolve("_manifests/tags").resolve(tag);
    }

    private Path referrerPath(String repository, Digest subject, Digest referrer) {
        return repo(repository)
                .resolve("_referrers")
                .resolve(subject.algorithm())
                .resolve(subject.hex())
                .resolve(referrer.algorithm() + "-" + referrer.hex());
    }

    @Override
    public void putManifest(String repository, StoredManifest m) {
        Path blob = blobPath(m.digest());
        if (!Files.exists(blob)) {
            AtomicFiles.write(blob, m.body());
        }
        if (m.subject() != null) {
            createMarker(referrerPath(repository, m.subject(), m.digest()));
        }
        AtomicFiles.write(revisionPath(repository, m.digest()), ManifestFacts.encode(m));
    }

    @Override
    public Optional<StoredManifest> manifest(String repository, Digest digest) {
        try {
            Path facts = revisionPath(repository, digest);
            return Optional.of(ManifestFacts.decode(
                    digest, Files.readAllBytes(facts), Files.readAllBytes(blobPath(digest)), facts.toString()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read manifest " + digest + " of " + repository, e);
        }
    }

    @Override
    public boolean deleteManifest(String repository, Digest digest) {
        Optional<StoredManifest> existing = manifest(repository, digest);
        if (existing.isEmpty()) {
            return false;
        }
        delete(revisionPath(repository, digest));
        for (String tag : tags(repository)) {
            if (resolveTag(repository, tag).filter(digest::equals).isPresent()) {
                deleteTag(repository, tag);
            }
        }
        if (existing.get().subject() != null) {
            delete(referrerPath(repository, existing.get().subject(), digest));
        }
        return true;
    }

    @Override
    public void tag(String repository, String tag, Digest manifest) {
        AtomicFiles.write(tagPath(repository, tag), manifest.toString().getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public Optional<Digest> resolveTag(String repository, String tag) {
        try {
            return Optional.of(Digest.parse(Files.readString(tagPath(repository, tag), StandardCharsets.US_ASCII)
                    .trim()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean deleteTag(String repository, String tag) {
        return delete(tagPath(repository, tag));
    }

    @Override
    public List<String> tags(String repository) {
        return listNames(repo(repository).resolve("_manifests/tags"));
    }

    @Override
    public boolean repositoryExists(String repository) {
        return holdsRepository(repo(repository));
    }

    /** A folder is a repository once it has manifests or blob links; plain parents of nested names are not. */
    private static boolean holdsRepository(Path dir) {
        return Files.isDirectory(dir.resolve("_manifests")) || Files.isDirectory(dir.resolve("_layers"));
    }

    @Override
    public List<String> repositories() {
        List<String> names = new ArrayList<>();
        collectRepositories(repositories, "", names);
        names.sort(null);
        return names;
    }

    private void collectRepositories(Path dir, String prefix, List<String> out) {
        for (String child : listNames(dir)) {
            if (child.startsWith("_")) {
                continue;
            }
            Path path = dir.resolve(child);
            if (!Files.isDirectory(path)) {
                continue;
            }
            String name = prefix + child;
            if (holdsRepository(path)) {
                out.add(name);
            }
            collectRepositories(path, name + "/", out);
        }
    }

    @Override
    public List<StoredManifest> referrers(String repository, Digest subject) {
        Path dir = repo(repository)
                .resolve("_referrers")
                .resolve(subject.algorithm())
                .resolve(subject.hex());
        List<StoredManifest> out = new ArrayList<>();
        for (String marker : listNames(dir)) {
            int dash = marker.indexOf('-');
            if (dash < 0) {
                continue;
            }
            // A marker written before a crash that never got its manifest is ignored here and removed by GC.
            manifest(repository, new Digest(marker.substring(0, dash), marker.substring(dash + 1)))
                    .ifPresent(out::add);
        }
        return out;
    }

    @Override
    public List<Digest> manifests(String repository) {
        List<Digest> out = new ArrayList<>();
        Path dir = repo(repository).resolve("_manifests/revisions");
        for (String alg : listNames(dir)) {
            for (String hex : listNames(dir.resolve(alg))) {
                out.add(new Digest(alg, hex));
            }
        }
        return out;
    }

    @Override
    public List<BlobEntry> blobs() {
        List<BlobEntry> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(blobs, 3)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (file.getNameCount() - blobs.getNameCount() != 3 || name.startsWith(".")) {
                    continue;
                }
                BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
                out.add(new BlobEntry(
                        new Digest(parent(parent(file)).getFileName().toString(), name),
                        attrs.size(),
                        attrs.lastModifiedTime().toInstant()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list blobs in " + blobs, e);
        }
        return out;
    }

    @Override
    public void touchBlob(Digest digest) {
        try {
            Files.setLastModifiedTime(blobPath(digest), java.nio.file.attribute.FileTime.from(clock.instant()));
        } catch (java.nio.file.NoSuchFileException e) {
            // absent: nothing to keep
        } catch (IOException e) {
            throw new UncheckedIOException("cannot mark blob " + digest + " as in use in " + blobs, e);
        }
    }

    @Override
    public void deleteBlob(Digest digest) {
        for (String repository : repositories()) {
            unlink(repository, digest);
        }
        delete(blobPath(digest));
    }

    /** Removes temporary files older than the given age that a crash left beside visible files. */
    void removeStaleTemporaries(java.time.Instant olderThan) {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (name.startsWith(".")
                        && name.endsWith(".tmp")
                        && Files.isRegularFile(file)
                        && Files.getLastModifiedTime(file).toInstant().isBefore(olderThan)) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sweep temporary files in " + root, e);
        }
    }

    // ---- file helpers ----

    private static List<String> listNames(Path dir) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (!name.startsWith(".")) {
                    names.add(name);
                }
            }
        } catch (NoSuchFileException e) {
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        names.sort(null);
        return names;
    }

    private static void createMarker(Path marker) {
        try {
            Files.createDirectories(marker.getParent());
            Files.createFile(marker);
            syncDirectory(parent(marker));
        } catch (FileAlreadyExistsException e) {
            // already linked: links are idempotent
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + marker, e);
        }
    }

    private static boolean delete(Path file) {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }

    /** The directory holding {@code file}: every path here lies under the storage root, so it has one. */
    private static Path parent(Path file) {
        return Objects.requireNonNull(file.getParent(), () -> file + " has no parent directory");
    }

    public static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // best effort: some file systems cannot open directories
        }
    }
}
