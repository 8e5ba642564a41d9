package dev.kiln.apk;

import dev.kiln.content.ContentException;
import dev.kiln.content.Digest;
import dev.kiln.content.GzipMemberReader;
import dev.kiln.content.TarHeader;
import dev.kiln.content.TarReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A package read by {@link ApkReader}. Reading computes every hash in one pass; {@link #verify}
 * then only compares. Data-stream corruption found while reading is reported by {@link #verify}.
 */
public final class ApkPackage {
    private final Path file;
    private final long fileSize;
    private final Digest sha256;
    private final PkgInfo pkgInfo;
    private final List<ApkSignature> signatures;
    private final String identity;
    private final Map<String, byte[]> controlFiles;
    private final List<ApkEntry> entries;
    private final Map<String, byte[]> controlDigests;
    private final String actualDatahash;
    private final Map<String, String> actualChecksums;
    private final @Nullable String dataError;
    private final long dataOffset;

    ApkPackage(
            Path file,
            long fileSize,
            Digest sha256,
            PkgInfo pkgInfo,
            List<ApkSignature> signatures,
            String identity,
            Map<String, byte[]> controlFiles,
            List<ApkEntry> entries,
            Map<String, byte[]> controlDigests,
            String actualDatahash,
            Map<String, String> actualChecksums,
            @Nullable String dataError,
            long dataOffset) {
        this.file = file;
        this.fileSize = fileSize;
        this.sha256 = sha256;
        this.pkgInfo = pkgInfo;
        this.signatures = List.copyOf(signatures);
        this.identity = identity;
        this.controlFiles = controlFiles;
        this.entries = List.copyOf(entries);
        this.controlDigests = Map.copyOf(controlDigests);
        this.actualDatahash = actualDatahash;
        this.actualChecksums = Map.copyOf(actualChecksums);
        this.dataError = dataError;
        this.dataOffset = dataOffset;
    }

    public Path file() {
        return file;
    }

    public long fileSize() {
        return fileSize;
    }

    /** SHA-256 of the whole {@code .apk} file. */
    public Digest sha256() {
        return sha256;
    }

    public PkgInfo pkgInfo() {
        return pkgInfo;
    }

    public List<ApkSignature> signatures() {
        return signatures;
    }

    /** {@code Q1} + base64 SHA-1 of the compressed control stream: the index {@code C:} value. */
    public String identity() {
        return identity;
    }

    /** Control entries in stream order, {@code .PKGINFO} included. */
    public Map<String, byte[]> controlFiles() {
        return controlFiles;
    }

    public List<ApkEntry> entries() {
        return entries;
    }

    /** Checks the signature over the control stream, {@code datahash} and every file checksum. */
    public void verify(TrustedKeys keys) {
        String what = "package " + file.getFileName();
        Signatures.verify(what, signatures, keys, controlDigests);
        String expected = pkgInfo.datahash();
        if (expected == null) {
            throw new ApkException(what + ": .PKGINFO has no datahash, so the signature does not cover the data;"
                    + " Kiln only accepts packages with datahash");
        }
        if (!expected.equals(actualDatahash)) {
            throw new ApkException(what + ": datahash mismatch: .PKGINFO says " + expected
                    + " but the data stream hashes to " + actualDatahash);
        }
        if (dataError != null) {
            throw new ApkException(what + ": data stream is unreadable: " + dataError);
        }
        for (ApkEntry e : entries) {
            if (e.type() != ApkEntry.Type.FILE && e.type() != ApkEntry.Type.SYMLINK) {
                continue;
            }
            String actual = actualChecksums.get(e.path());
            if (e.sha1Checksum() == null) {
                if (e.type() == ApkEntry.Type.FILE) {
                    throw new ApkException(what + ": file " + e.path() + " has no APK-TOOLS.checksum.SHA1 record");
                }
            } else if (!e.sha1Checksum().equals(actual)) {
                throw new ApkException(what + ": " + e.type().name().toLowerCase(Locale.ROOT) + " " + e.path()
                        + ": APK-TOOLS.checksum.SHA1 says " + e.sha1Checksum() + " but the content hashes to "
                        + actual);
            }
        }
    }

    /** The content of the regular file (or hard link to one) at {@code path}; empty if there is none. */
    public Optional<byte[]> readFile(String path) {
        String wanted = ApkReader.normalize(path);
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(dataOffset);
            try (GzipMemberReader members = new GzipMemberReader(in)) {
                TarReader tar = new TarReader(members.nextMember(null));
                for (TarHeader h; (h = tar.next()) != null; ) {
                    if (!ApkReader.normalize(h.name()).equals(wanted)) {
                        continue;
                    }
                    return switch (h.type()) {
                        case FILE -> Optional.of(tar.readContent());
                        case HARDLINK -> readFile(h.linkName());
                        default -> Optional.empty();
                    };
                }
            }
        } catch (IOException | ContentException e) {
            throw new ApkException("cannot read " + path + " from " + file + ": " + e.getMessage(), e);
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "ApkPackage[" + pkgInfo.name() + "-" + pkgInfo.version() + ", " + file + "]";
    }
}
