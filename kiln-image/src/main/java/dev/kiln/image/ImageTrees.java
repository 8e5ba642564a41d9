package dev.kiln.image;

import dev.kiln.apk.FileData;
import dev.kiln.apk.FileNode;
import dev.kiln.apk.FileTree;
import dev.kiln.content.TarHeader;
import dev.kiln.content.TarType;
import dev.kiln.oci.Blob;
import dev.kiln.oci.LayerStack;
import dev.kiln.oci.OciException;
import dev.kiln.oci.OciImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * Reads an image's layers back into a {@link FileTree} so existing images can be inspected: the layers are
 * flattened by {@link LayerStack} (whiteouts as the OCI image spec says), then each path becomes a node.
 */
public final class ImageTrees {
    private ImageTrees() {}

    public static FileTree read(OciImage image) {
        List<LayerStack.Source> layers =
                image.layers().stream().map(ImageTrees::source).toList();
        Map<String, LayerStack.Entry> entries;
        try {
            entries = LayerStack.flatten(layers);
        } catch (OciException e) {
            throw new ImageException("cannot read image: " + e.getMessage(), e);
        }
        FileTree tree = new FileTree();
        entries.values().forEach(e -> tree.put(node(e)));
        return tree;
    }

    private static LayerStack.Source source(Blob layer) {
        return new LayerStack.Source() {
            @Override
            public InputStream open() throws IOException {
                return layer.open();
            }

            @Override
            public String describe() {
                return layer.descriptor().digest().toString();
            }
        };
    }

    private static FileNode node(LayerStack.Entry e) {
        TarHeader h = e.header();
        byte[] content = e.content();
        String link = h.linkName().isEmpty()
                ? null
                : h.type() == TarType.HARDLINK ? LayerStack.normalize(h.linkName()) : h.linkName();
        return FileNode.ofTar(
                e.path(), h, h.type() == TarType.FILE && content != null ? FileData.of(content) : null, link);
    }
}
