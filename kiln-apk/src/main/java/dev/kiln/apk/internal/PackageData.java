package dev.kiln.apk.internal;

import dev.kiln.apk.ApkException;
import dev.kiln.apk.ApkPackage;
import dev.kiln.apk.FileData;
import dev.kiln.apk.FileNode;
import dev.kiln.content.GzipMemberReader;
import dev.kiln.content.TarHeader;
import dev.kiln.content.TarReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Reads a verified package's data stream into file nodes, keeping modes, owners, mtimes and xattrs as stored. */
public final class PackageData {

    private PackageData() {}

    public static List<FileNode> read(ApkPackage pkg) {
        String owner = pkg.pkgInfo().name();
        List<FileNode> out = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(pkg.file());
                GzipMemberReader members = new GzipMemberReader(raw)) {
            int skip = pkg.signatures().isEmpty() ? 1 : 2;
            for (int i = 0; i < skip; i++) {
                members.hasNextMember();
                members.nextMember(null).transferTo(java.io.OutputStream.nullOutputStream());
            }
            if (!members.hasNextMember()) {
                throw new ApkException("package " + pkg.file() + " has no data stream");
            }
            TarReader tar = new TarReader(members.nextMember(null));
            for (TarHeader h; (h = tar.next()) != null; ) {
                FileNode node = node(
                        owner,
                        h,
                        FileNode.Kind.of(h.type()) == FileNode.Kind.FILE ? FileData.of(tar.readContent()) : null);
                if (node != null) {
                    out.add(node);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ApkException ie) {
                throw ie;
            }
            throw new ApkException("cannot read the data of package " + pkg.file() + ": " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * The node data entry {@code h} of package {@code owner} installs, at its path in the package (without
     * {@code ./} and slashes around it), with {@code content} for a regular file; null for the entry of the
     * package root itself.
     */
    public static @Nullable FileNode node(String owner, TarHeader h, @Nullable FileData content) {
        String path = strip(h.name());
        if (path.isEmpty()) {
            return null;
        }
        String sha1 = checksumRecord(h);
        Map<String, byte[]> xattrs = xattrRecords(h);
        FileNode.Kind kind = FileNode.Kind.of(h.type());
        String link =
                h.linkName().isEmpty() ? null : kind == FileNode.Kind.HARDLINK ? strip(h.linkName()) : h.linkName();
        return new FileNode(
                path,
                kind,
                h.mode(),
                h.uid(),
                h.gid(),
                h.mtime(),
                kind == FileNode.Kind.FILE ? content : null,
                link,
                xattrs,
                owner,
                sha1,
                h.devMajor(),
                h.devMinor());
    }

    /** The entry's {@code APK-TOOLS.checksum.SHA1} record (the SHA-1 of its content, in hex), or null. */
    public static @Nullable String checksumRecord(TarHeader h) {
        byte[] value = h.paxRecords().get(DataTreeWriter.CHECKSUM_RECORD);
        return value == null ? null : new String(value, StandardCharsets.US_ASCII);
    }

    /** The entry's {@code SCHILY.xattr.} records by attribute name, in the order they are stored. */
    public static Map<String, byte[]> xattrRecords(TarHeader h) {
        Map<String, byte[]> xattrs = new LinkedHashMap<>();
        h.paxRecords().forEach((key, value) -> {
            if (key.startsWith(DataTreeWriter.XATTR_PREFIX)) {
                xattrs.put(key.substring(DataTreeWriter.XATTR_PREFIX.length()), value);
            }
        });
        return xattrs;
    }

    private static String strip(String name) {
        String n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        while (n.startsWith("/")) {
            n = n.substring(1);
        }
        while (n.endsWith("/")) {
            n = n.substring(0, n.length() - 1);
        }
        return n;
    }
}
