package dev.kiln.image;

import dev.kiln.apk.FileNode;
import dev.kiln.content.Digest;
import dev.kiln.content.Gzip;
import dev.kiln.content.Hashing;
import dev.kiln.content.TarHeader;
import dev.kiln.content.TarWriter;
import dev.kiln.oci.Blob;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.MediaTypes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Writes file nodes as a gzip layer (images.md §4): walk order, PAX tar, owners and modes from the
 * nodes, user and group names from the image's passwd and group, xattrs as {@code SCHILY.xattr.*},
 * fixed gzip header and level, so the digest is a function of the content only.
 */
public final class LayerWriter {
    private final int gzipLevel;

    public LayerWriter(int gzipLevel) {
        this.gzipLevel = gzipLevel;
    }

    public Layer write(Collection<FileNode> nodes, Map<Long, String> users, Map<Long, String> groups) {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream(1 << 16);
        MessageDigest diff = Hashing.sha256();
        MessageDigest blob = Hashing.sha256();
        try (OutputStream counted = new DigestOutputStream(compressed, blob)) {
            OutputStream gz = Gzip.compressing(counted, gzipLevel);
            TarWriter tar = new TarWriter(new DigestOutputStream(gz, diff));
            Map<String, FileNode> byPath = new java.util.HashMap<>();
            nodes.forEach(n -> byPath.put(n.path(), n));
            java.util.Set<String> written = new java.util.HashSet<>();
            Map<String, String> movedTo = new java.util.HashMap<>();
            for (FileNode n : nodes) {
                FileNode target = n.kind() == FileNode.Kind.HARDLINK ? byPath.get(n.linkTarget()) : null;
                if (target != null && !written.contains(target.path()) && !movedTo.containsKey(target.path())) {
                    // a link must follow its target in a tar: the first name written carries the content
                    write(
                            tar,
                            FileNode.of(
                                    n.path(),
                                    FileNode.Kind.FILE,
                                    target.mode(),
                                    target.uid(),
                                    target.gid(),
                                    target.mtime(),
                                    target.content(),
                                    null,
                                    target.xattrs(),
                                    target.owner(),
                                    target.sha1(),
                                    0,
                                    0),
                            users,
                            groups);
                    movedTo.put(target.path(), n.path());
                } else if (n.kind() == FileNode.Kind.HARDLINK && target != null && movedTo.containsKey(target.path())) {
                    write(tar, n.withLink(movedTo.get(target.path())), users, groups);
                } else if (movedTo.containsKey(n.path())) {
                    write(
                            tar,
                            FileNode.of(
                                    n.path(),
                                    FileNode.Kind.HARDLINK,
                                    n.mode(),
                                    n.uid(),
                                    n.gid(),
                                    n.mtime(),
                                    null,
                                    movedTo.get(n.path()),
                                    n.xattrs(),
                                    n.owner(),
                                    n.sha1(),
                                    0,
                                    0),
                            users,
                            groups);
                } else {
                    write(tar, n, users, groups);
                }
                written.add(n.path());
            }
            tar.finish();
            gz.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write layer", e);
        }
        byte[] bytes = compressed.toByteArray();
        Descriptor d = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digest.ofSha256(blob.digest()), bytes.length);
        return new Layer(Blob.of(d, bytes), Digest.ofSha256(diff.digest()));
    }

    private static void write(TarWriter tar, FileNode n, Map<Long, String> users, Map<Long, String> groups)
            throws IOException {
        Map<String, byte[]> pax = new LinkedHashMap<>();
        n.xattrs().forEach((k, v) -> pax.put("SCHILY.xattr." + k, v));
        String name = n.kind() == FileNode.Kind.DIRECTORY ? n.path() + "/" : n.path();
        TarHeader h = new TarHeader(
                name,
                n.kind().tarType(),
                n.mode(),
                n.uid(),
                n.gid(),
                users.getOrDefault(n.uid(), ""),
                groups.getOrDefault(n.gid(), ""),
                n.size(),
                n.mtime(),
                Objects.requireNonNullElse(n.linkTarget(), ""),
                n.devMajor(),
                n.devMinor(),
                pax);
        if (n.kind() == FileNode.Kind.FILE) {
            tar.write(h, Objects.requireNonNull(n.content(), "a file node carries its content"));
        } else {
            tar.writeHeader(h);
        }
    }
}
