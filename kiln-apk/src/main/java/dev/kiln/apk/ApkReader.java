package dev.kiln.apk;

import dev.kiln.apk.internal.PackageData;
import dev.kiln.content.ContentException;
import dev.kiln.content.Digest;
import dev.kiln.content.GzipMemberReader;
import dev.kiln.content.Hashing;
import dev.kiln.content.ReadAheadInputStream;
import dev.kiln.content.TarHeader;
import dev.kiln.content.TarReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads APK v2 packages, splitting the file at gzip member boundaries (apk.md §1) and hashing
 * each stream while unpacking it: SHA-1/256/512 of the control stream, SHA-256 of the data stream,
 * SHA-1 of each file.
 */
public final class ApkReader {

    private ApkReader() {}

    /**
     * The control files of {@code apk} ({@code .PKGINFO}, {@code .melange.yaml}, scripts) by name, read from its
     * first gzip streams without unpacking its data or checking anything: for a question about what a
     * package was made from, not whether it is intact (use {@link #read} for that).
     */
    public static Map<String, byte[]> controlFiles(Path apk) {
        try (InputStream raw = Files.newInputStream(apk);
                GzipMemberReader members = new GzipMemberReader(raw)) {
            if (!members.hasNextMember()) {
                throw new ApkException("package " + apk + " is empty");
            }
            Map<String, byte[]> first =
                    smallTar(apk, "first", members.nextMember(List.of()).readAllBytes());
            if (first.isEmpty() || !first.keySet().iterator().next().startsWith(".SIGN.")) {
                return first;
            }
            if (!members.hasNextMember()) {
                throw new ApkException("package " + apk + " has a signature but no control stream");
            }
            return smallTar(apk, "control", members.nextMember(List.of()).readAllBytes());
        } catch (IOException | ContentException e) {
            throw new ApkException("cannot read package " + apk + ": " + e.getMessage(), e);
        }
    }

    /** Reads {@code apk} and hashes everything {@link ApkPackage#verify} compares, in one pass. */
    public static ApkPackage read(Path apk) {
        return read(apk, DataSink.NONE);
    }

    /**
     * Receives a package's data entries while {@link #read(Path, DataSink)} hashes them, so that a package can be
     * installed in the same pass that reads it (decompressing it once, holding no file in memory). What it gets
     * is not verified yet: {@link ApkPackage#verify} on the result says whether it may be kept.
     */
    public interface DataSink {
        /** Reads nothing. */
        DataSink NONE = new DataSink() {
            @Override
            public void start(PkgInfo info) {}

            @Override
            public void entry(TarHeader header, InputStream content) {}
        };

        /** The package's {@code .PKGINFO}, before its first data entry. */
        void start(PkgInfo info);

        /**
         * One data entry, in stream order; {@code content} has a regular file's bytes (nothing for other
         * entries), and what the sink leaves unread is still hashed. An IOException while reading it is the
         * package's (a corrupt stream); the sink reports its own failures as unchecked exceptions.
         */
        void entry(TarHeader header, InputStream content) throws IOException;
    }

    /** Like {@link #read(Path)}, handing each data entry to {@code sink} as it is unpacked. */
    public static ApkPackage read(Path apk, DataSink sink) {
        MessageDigest fileSha = Hashing.sha256();
        try (InputStream raw = new DigestInputStream(Files.newInputStream(apk), fileSha);
                GzipMemberReader members = new GzipMemberReader(raw)) {
            if (!members.hasNextMember()) {
                throw new ApkException("package " + apk + " is empty");
            }
            List<MessageDigest> controlHashes = List.of(Hashing.sha1(), Hashing.sha256(), Hashing.sha512());
            Map<String, byte[]> first =
                    smallTar(apk, "first", members.nextMember(controlHashes).readAllBytes());
            List<ApkSignature> signatures = new ArrayList<>();
            Map<String, byte[]> control = first;
            if (!first.isEmpty() && first.keySet().iterator().next().startsWith(".SIGN.")) {
                for (Map.Entry<String, byte[]> e : first.entrySet()) {
                    if (!e.getKey().startsWith(".SIGN.")) {
                        throw new ApkException("package " + apk + ": signature stream also holds '" + e.getKey()
                                + "'; the control section must be its own gzip stream");
                    }
                    signatures.add(ApkSignature.fromEntry(e.getKey(), e.getValue()));
                }
                if (!members.hasNextMember()) {
                    throw new ApkException("package " + apk + " has a signature but no control stream");
                }
                controlHashes = List.of(Hashing.sha1(), Hashing.sha256(), Hashing.sha512());
                control = smallTar(
                        apk, "control", members.nextMember(controlHashes).readAllBytes());
            }
            byte[] pkginfo = control.get(".PKGINFO");
            if (pkginfo == null) {
                throw new ApkException(
                        "package " + apk + ": control stream has no .PKGINFO (found " + control.keySet() + ")");
            }
            for (String name : control.keySet()) {
                if (!name.startsWith(".") || name.contains("/")) {
                    throw new ApkException("package " + apk + ": control stream holds '" + name
                            + "'; control and data must be separate gzip streams");
                }
            }
            PkgInfo info = PkgInfo.parse(new String(pkginfo, StandardCharsets.UTF_8));
            sink.start(info);
            String identity = "Q1" + Hashing.base64(controlHashes.get(0).digest());
            Map<String, byte[]> controlDigests = Map.of(
                    "SHA-256",
                    controlHashes.get(1).digest(),
                    "SHA-512",
                    controlHashes.get(2).digest());

            if (!members.hasNextMember()) {
                throw new ApkException("package " + apk + " has no data stream");
            }
            long dataOffset = members.offset();
            MessageDigest dataSha = Hashing.sha256();
            List<ApkEntry> entries = new ArrayList<>();
            Map<String, String> checksums = new HashMap<>();
            String dataError = null;
            boolean trailing = false;
            try {
                // decompressing (and hashing the compressed bytes) on a thread of its own, while this one
                // parses, hashes each file and hands it to the sink: the two halves of gzip -d | tar -x
                try (InputStream data = new ReadAheadInputStream(members.nextMember(List.of(dataSha)))) {
                    readData(data, entries, checksums, sink);
                }
                trailing = members.hasNextMember();
            } catch (IOException | ContentException e) {
                dataError = e.getMessage();
                members.drainRaw(List.of(dataSha));
            }
            if (trailing) {
                throw new ApkException(
                        "package " + apk + ": unexpected bytes after the data stream at offset " + members.offset());
            }
            return new ApkPackage(
                    apk,
                    Files.size(apk),
                    Digest.ofSha256(fileSha.digest()),
                    info,
                    signatures,
                    identity,
                    control,
                    entries,
                    controlDigests,
                    Hashing.hex(dataSha.digest()),
                    checksums,
                    dataError,
                    dataOffset);
        } catch (IOException | ContentException e) {
            throw new ApkException("cannot read package " + apk + ": " + e.getMessage(), e);
        }
    }

    private static void readData(InputStream data, List<ApkEntry> entries, Map<String, String> checksums, DataSink sink)
            throws IOException {
        TarReader tar = new TarReader(data);
        byte[] buf = new byte[1 << 17];
        for (TarHeader h; (h = tar.next()) != null; ) {
            String path = normalize(h.name());
            ApkEntry.Type type = switch (h.type()) {
                case FILE -> ApkEntry.Type.FILE;
                case DIRECTORY -> ApkEntry.Type.DIRECTORY;
                case SYMLINK -> ApkEntry.Type.SYMLINK;
                case HARDLINK -> ApkEntry.Type.HARDLINK;
                case CHAR_DEVICE -> ApkEntry.Type.CHAR_DEVICE;
                case BLOCK_DEVICE -> ApkEntry.Type.BLOCK_DEVICE;
                case FIFO -> ApkEntry.Type.FIFO;
            };
            String checksum = PackageData.checksumRecord(h);
            Map<String, byte[]> xattrs = PackageData.xattrRecords(h);
            if (type == ApkEntry.Type.FILE) {
                MessageDigest sha1 = Hashing.sha1();
                InputStream content = new DigestInputStream(tar.content(), sha1);
                sink.entry(h, content);
                while (content.read(buf) > 0) {
                    // hash what the sink left
                }
                checksums.put(path, Hashing.hex(sha1.digest()));
            } else {
                sink.entry(h, InputStream.nullInputStream());
                if (type == ApkEntry.Type.SYMLINK) {
                    checksums.put(path, Hashing.sha1Hex(h.linkName().getBytes(StandardCharsets.UTF_8)));
                }
            }
            String link = h.linkName().isEmpty()
                    ? null
                    : type == ApkEntry.Type.HARDLINK ? normalize(h.linkName()) : h.linkName();
            entries.add(
                    new ApkEntry(path, type, h.mode(), (int) h.uid(), (int) h.gid(), h.size(), link, checksum, xattrs));
        }
    }

    /** Entries of a small stream (signature or control), name → content, in order; no end-of-archive needed. */
    private static Map<String, byte[]> smallTar(Path apk, String which, byte[] tarBytes) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        TarReader tar = new TarReader(new ByteArrayInputStream(tarBytes));
        for (TarHeader h; (h = tar.next()) != null; ) {
            if (out.put(h.name(), tar.readContent()) != null) {
                throw new ApkException("package " + apk + ": " + which + " stream holds '" + h.name() + "' twice");
            }
        }
        return Collections.unmodifiableMap(out);
    }

    static String normalize(String name) {
        String n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        while (n.endsWith("/") && n.length() > 1) {
            n = n.substring(0, n.length() - 1);
        }
        return n;
    }
}
