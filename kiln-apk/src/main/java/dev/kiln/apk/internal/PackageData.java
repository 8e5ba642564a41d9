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
    private static final String CHECKSUM = "APK-TOOLS.checksum.SHA1";
    private static final String XATTR = "SCHILY.xattr.";

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
        String sha1 = null;
        Map<String, byte[]> xattrs = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> r : h.paxRecords().entrySet()) {
            if (r.getKey().equals(CHECKSUM)) {
                sha1 = new String(r.getValue(), StandardCharsets.US_ASCII);
            } else if (r.getKey().startsWith(XATTR)) {
                xattrs.put(r.getKey().substring(XATTR.length()), r.getValue());
            }
        }
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
