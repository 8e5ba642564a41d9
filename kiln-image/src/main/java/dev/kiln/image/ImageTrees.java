package dev.kiln.image;

import dev.kiln.apk.FileNode;
import dev.kiln.apk.FileTree;
import dev.kiln.content.GzipMemberReader;
import dev.kiln.content.TarHeader;
import dev.kiln.content.TarReader;
import dev.kiln.oci.Blob;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.OciImage;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads an image's layers back into a {@link FileTree}, applying whiteouts, so existing images can be inspected. */
public final class ImageTrees {
    private ImageTrees() {}

    public static FileTree read(OciImage image) {
        FileTree tree = new FileTree();
        for (Blob layer : image.layers()) {
            try (InputStream raw = new BufferedInputStream(layer.open())) {
                InputStream tarStream = raw;
                GzipMemberReader gz = null;
                if (MediaTypes.isGzipLayer(layer.descriptor().mediaType())) {
                    gz = new GzipMemberReader(raw);
                    gz.hasNextMember();
                    tarStream = gz.nextMember(null);
                }
                TarReader tar = new TarReader(tarStream);
                for (TarHeader h; (h = tar.next()) != null; ) {
                    apply(tree, tar, h);
                }
            } catch (IOException | RuntimeException e) {
                throw new ImageException(
                        "cannot read layer " + layer.descriptor().digest() + ": " + e.getMessage(), e);
            }
        }
        return tree;
    }

    private static void apply(FileTree tree, TarReader tar, TarHeader h) throws IOException {
        String path = FileTree.normalize(h.name());
        if (path.isEmpty()) {
            return;
        }
        String base = path.substring(path.lastIndexOf('/') + 1);
        String dir = path.contains("/") ? path.substring(0, path.lastIndexOf('/')) : "";
        if (base.equals(".wh..wh..opq")) {
            tree.subtree(dir).stream()
                    .filter(n -> !n.path().equals(dir))
                    .toList()
                    .forEach(n -> tree.remove(n.path()));
            return;
        }
        if (base.startsWith(".wh.")) {
            String victim = (dir.isEmpty() ? "" : dir + "/") + base.substring(4);
            tree.subtree(victim).forEach(n -> tree.remove(n.path()));
            return;
        }
        Map<String, byte[]> xattrs = new LinkedHashMap<>();
        h.paxRecords().forEach((k, v) -> {
            if (k.startsWith("SCHILY.xattr.")) {
                xattrs.put(k.substring("SCHILY.xattr.".length()), v);
            }
        });
        FileNode.Kind kind = FileNode.Kind.of(h.type());
        byte[] content = kind == FileNode.Kind.FILE ? tar.readContent() : null;
        String link = h.linkName().isEmpty()
                ? null
                : kind == FileNode.Kind.HARDLINK ? FileTree.normalize(h.linkName()) : h.linkName();
        tree.put(new FileNode(
                path,
                kind,
                h.mode(),
                h.uid(),
                h.gid(),
                h.mtime(),
                content,
                link,
                xattrs,
                null,
                null,
                h.devMajor(),
                h.devMinor()));
    }
}
