package dev.kiln.build.source;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.kiln.build.BuildException;
import dev.kiln.content.Hashing;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Content-addressed store of upstream source files: {@code DIR/sha256/HEX} and
 * {@code DIR/sha512/HEX} (the same file linked under both names). A file enters only after
 * its digest has been computed from its bytes, so a hit is always the right content, and
 * an air-gapped machine can be seeded with {@link #importFile(Path)}.
 */
public final class SourceCache {
    private final Path root;

    public SourceCache(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** The cached file with this checksum, if present. */
    public Optional<Path> find(SourceChecksum checksum) {
        Path candidate = root.resolve(checksum.algorithm()).resolve(checksum.hex());
        return Files.isRegularFile(candidate) ? Optional.of(candidate) : Optional.empty();
    }

    /** Adds a local file by content; returns both of its checksums. */
    public Imported importFile(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return store(in);
        } catch (IOException e) {
            throw new BuildException("source import " + file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * {@link #importFile}, unless this same file (same absolute path, size and modification time) was
     * imported before and both its cache entries are still there: then nothing is read again. {@code kiln up}
     * imports its upstream-sources folder on every start, and hashing those megabytes twice over was a tenth
     * of a run with nothing to do. A changed file (size or time) is imported, and so hashed, afresh.
     */
    public Imported importFileOnce(Path file) {
        Path stamp;
        String identity;
        try {
            Path absolute = file.toAbsolutePath().normalize();
            identity = Files.size(absolute) + " "
                    + Files.getLastModifiedTime(absolute).toMillis();
            stamp = root.resolve("imported")
                    .resolve(Hashing.sha256Hex(absolute.toString().getBytes(UTF_8)));
            if (Files.isRegularFile(stamp)) {
                String[] fields = Files.readString(stamp, UTF_8).strip().split(" ");
                if (fields.length == 4 && identity.equals(fields[0] + " " + fields[1])) {
                    SourceChecksum s256 = new SourceChecksum("sha256", fields[2]);
                    SourceChecksum s512 = new SourceChecksum("sha512", fields[3]);
                    Optional<Path> p256 = find(s256);
                    if (p256.isPresent() && find(s512).isPresent()) {
                        return new Imported(p256.get(), Long.parseLong(fields[0]), s256, s512);
                    }
                }
            }
        } catch (IOException e) {
            throw new BuildException("source import " + file + ": cannot read: " + e.getMessage(), e);
        }
        Imported imported = importFile(file);
        try {
            Files.createDirectories(stamp.getParent());
            Path tmp = Files.createTempFile(stamp.getParent(), "stamp-", ".part");
            Files.writeString(
                    tmp,
                    identity + " " + imported.sha256().hex() + " "
                            + imported.sha512().hex() + "\n");
            Files.move(tmp, stamp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BuildException("source import " + file + ": cannot record the import: " + e.getMessage(), e);
        }
        return imported;
    }

    /**
     * Streams {@code in} into the cache, hashing as it goes; the file becomes visible under
     * its names only once complete (temp file + atomic rename).
     */
    public Imported store(InputStream in) throws IOException {
        Path tmpDir = Files.createDirectories(root.resolve("tmp"));
        Path tmp = Files.createTempFile(tmpDir, "source-", ".part");
        try {
            MessageDigest sha256 = Hashing.sha256();
            MessageDigest sha512 = Hashing.sha512();
            try (InputStream d = new DigestInputStream(new DigestInputStream(in, sha256), sha512);
                    OutputStream out = Files.newOutputStream(tmp)) {
                d.transferTo(out);
            }
            SourceChecksum s256 = new SourceChecksum("sha256", Hashing.hex(sha256.digest()));
            SourceChecksum s512 = new SourceChecksum("sha512", Hashing.hex(sha512.digest()));
            long size = Files.size(tmp);
            Path p256 = place(tmp, s256);
            place(p256, s512);
            return new Imported(p256, size, s256, s512);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private Path place(Path from, SourceChecksum checksum) throws IOException {
        Path target = root.resolve(checksum.algorithm()).resolve(checksum.hex());
        if (Files.exists(target)) {
            return target;
        }
        Files.createDirectories(target.getParent());
        Path staged = Files.createTempFile(root.resolve("tmp"), "link-", ".part");
        Files.delete(staged);
        try {
            Files.createLink(staged, from);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(from, staged, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** A file now in the cache, with its size and both checksums. */
    public record Imported(Path path, long size, SourceChecksum sha256, SourceChecksum sha512) {}
}
