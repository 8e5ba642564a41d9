package dev.kiln.apk;

import dev.kiln.apk.internal.Streams;
import dev.kiln.content.AtomicFiles;
import dev.kiln.content.ContentException;
import dev.kiln.content.Gzip;
import dev.kiln.content.GzipMemberReader;
import dev.kiln.content.Hashing;
import dev.kiln.content.TarHeader;
import dev.kiln.content.TarReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A repository index: {@code APKINDEX.tar.gz} (apk.md §7). Entries are kept sorted by name, then
 * apk version, so equal inputs always give equal bytes.
 */
public final class ApkIndex {
    static final Comparator<IndexEntry> ORDER = Comparator.comparing(IndexEntry::name)
            .thenComparing((a, b) -> ApkVersion.compare(a.version(), b.version()))
            .thenComparing(IndexEntry::version)
            .thenComparing(e -> e.arch() == null ? "" : e.arch())
            .thenComparing(IndexEntry::checksum);

    private final List<IndexEntry> entries;
    private final @Nullable String description;

    private ApkIndex(List<IndexEntry> entries, @Nullable String description) {
        List<IndexEntry> sorted = new ArrayList<>(entries);
        sorted.sort(ORDER);
        this.entries = List.copyOf(sorted);
        this.description = description;
    }

    public static ApkIndex of(List<IndexEntry> entries) {
        return new ApkIndex(entries, null);
    }

    public List<IndexEntry> entries() {
        return entries;
    }

    /** The DESCRIPTION text of a read index, or null. */
    public @Nullable String description() {
        return description;
    }

    /** A new index with {@code added} replacing entries of the same name and version. */
    public ApkIndex withEntries(List<IndexEntry> added) {
        Map<String, IndexEntry> byKey = new LinkedHashMap<>();
        for (IndexEntry e : entries) {
            byKey.put(e.name() + "-" + e.version(), e);
        }
        for (IndexEntry e : added) {
            byKey.put(e.name() + "-" + e.version(), e);
        }
        return new ApkIndex(new ArrayList<>(byKey.values()), description);
    }

    /** Records in apk-tools' field order, each followed by a blank line. */
    public String renderText() {
        StringBuilder sb = new StringBuilder();
        for (IndexEntry e : entries) {
            sb.append(e.render()).append('\n');
        }
        return sb.toString();
    }

    public static ApkIndex parseText(String text) {
        return parseText(text, null);
    }

    private static ApkIndex parseText(String text, @Nullable String description) {
        List<IndexEntry> out = new ArrayList<>();
        List<String> record = new ArrayList<>();
        int lineNo = 0;
        int start = 1;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            if (line.isEmpty()) {
                if (!record.isEmpty()) {
                    out.add(IndexEntry.parse(record, start));
                    record.clear();
                }
                start = lineNo + 1;
            } else {
                record.add(line);
            }
        }
        if (!record.isEmpty()) {
            out.add(IndexEntry.parse(record, start));
        }
        return new ApkIndex(out, description);
    }

    /**
     * Writes the signed index: a signature stream, then one gzip stream holding {@code APKINDEX} and
     * {@code DESCRIPTION} (mode 0644, mtime {@code sourceDateEpoch}), replaced atomically.
     */
    public void write(Path file, ApkSigningKey key, @Nullable String description, long sourceDateEpoch) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("APKINDEX", renderText().getBytes(StandardCharsets.UTF_8));
        files.put("DESCRIPTION", (description == null ? "" : description).getBytes(StandardCharsets.UTF_8));
        byte[] index = Streams.tarGz(files, Map.of(), sourceDateEpoch, true, Gzip.DEFAULT_LEVEL);
        byte[] signature = Streams.signatureStream(key, index, sourceDateEpoch, Gzip.DEFAULT_LEVEL);
        AtomicFiles.write(file, out -> {
            out.write(signature);
            out.write(index);
        });
    }

    /** Reads an index whose signature must verify with one of {@code keys}. */
    public static ApkIndex read(Path file, TrustedKeys keys) {
        return read(file, Objects.requireNonNull(keys, "keys: use readUnverified to skip the signature check"), true);
    }

    /**
     * Reads an index without checking its signature: for an index this process wrote itself or only lists,
     * never for one whose packages are then trusted.
     */
    public static ApkIndex readUnverified(Path file) {
        return read(file, null, false);
    }

    private static ApkIndex read(Path file, @Nullable TrustedKeys keys, boolean verify) {
        try (InputStream raw = Files.newInputStream(file);
                GzipMemberReader members = new GzipMemberReader(raw)) {
            List<ApkSignature> signatures = new ArrayList<>();
            List<MessageDigest> hashes = List.of(Hashing.sha256(), Hashing.sha512());
            if (!members.hasNextMember()) {
                throw new ApkException("index " + file + " is empty");
            }
            Map<String, byte[]> stream = entries(members.nextMember(hashes).readAllBytes());
            if (!stream.isEmpty() && stream.keySet().iterator().next().startsWith(Streams.SIGN_PREFIX)) {
                for (Map.Entry<String, byte[]> e : stream.entrySet()) {
                    signatures.add(ApkSignature.fromEntry(e.getKey(), e.getValue()));
                }
                if (!members.hasNextMember()) {
                    throw new ApkException("index " + file + " has a signature but no index stream");
                }
                hashes = List.of(Hashing.sha256(), Hashing.sha512());
                stream = entries(members.nextMember(hashes).readAllBytes());
            }
            if (members.hasNextMember()) {
                throw new ApkException(
                        "index " + file + ": unexpected bytes after the index stream at offset " + members.offset());
            }
            if (verify) {
                Signatures.verify(
                        "index " + file,
                        signatures,
                        keys,
                        Map.of(
                                "SHA-256",
                                hashes.get(0).digest(),
                                "SHA-512",
                                hashes.get(1).digest()));
            }
            byte[] text = stream.get("APKINDEX");
            if (text == null) {
                throw new ApkException("index " + file + " has no APKINDEX entry (found " + stream.keySet() + ")");
            }
            byte[] description = stream.get("DESCRIPTION");
            return parseText(
                    new String(text, StandardCharsets.UTF_8),
                    description == null ? null : new String(description, StandardCharsets.UTF_8));
        } catch (IOException | ContentException e) {
            throw new ApkException("cannot read index " + file + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, byte[]> entries(byte[] tarBytes) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        TarReader tar = new TarReader(new ByteArrayInputStream(tarBytes));
        for (TarHeader h; (h = tar.next()) != null; ) {
            out.put(h.name(), tar.readContent());
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApkIndex i && i.entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return "ApkIndex[" + entries.size() + " entries]";
    }
}
