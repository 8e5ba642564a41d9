package dev.kiln.oci;

import dev.kiln.content.AtomicFiles;
import dev.kiln.content.Digest;
import dev.kiln.content.TarWriter;
import dev.kiln.oci.internal.ArchiveEntries;
import dev.kiln.oci.internal.LayoutResolver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * An OCI layout in a tar file, as {@code oci-archive:} transports read it. Entries are sorted,
 * root-owned, mtime 0, so equal images give equal archives.
 */
public final class OciArchive implements ImageSink {
    private final Path file;

    public OciArchive(Path file) {
        this.file = file;
    }

    @Override
    public Digest write(OciImageSet images, String refName) {
        Map<String, Blob> blobs = new TreeMap<>();
        for (OciImage image : images.images()) {
            add(blobs, image.manifest());
            add(blobs, image.config());
            image.layers().forEach(l -> add(blobs, l));
        }
        add(blobs, images.index());
        Descriptor entry = images.index().descriptor();
        if (refName != null) {
            entry = entry.withAnnotation(OciLayout.REF_NAME, refName);
        }
        byte[] indexJson = ImageIndex.of(List.of(entry), Map.of()).toJson();
        AtomicFiles.write(file, out -> {
            TarWriter tar = new TarWriter(out);
            ArchiveEntries.dir(tar, "blobs/");
            List<String> algorithms = new ArrayList<>();
            for (String name : blobs.keySet()) {
                String alg = name.substring("blobs/".length(), name.lastIndexOf('/'));
                if (!algorithms.contains(alg)) {
                    algorithms.add(alg);
                    ArchiveEntries.dir(tar, "blobs/" + alg + "/");
                }
                ArchiveEntries.blob(tar, name, blobs.get(name));
            }
            ArchiveEntries.file(tar, "index.json", indexJson);
            ArchiveEntries.file(tar, "oci-layout", OciLayout.LAYOUT_FILE);
            tar.finish();
        });
        return entry.digest();
    }

    /** The image set named {@code refName}, or the only one when {@code refName} is null, read into memory. */
    public OciImageSet read(@Nullable String refName) {
        Map<String, byte[]> files = ArchiveEntries.readFiles(file);
        if (!files.containsKey("oci-layout") || !files.containsKey("index.json")) {
            throw new OciException("archive " + file + " is not an OCI archive: it needs oci-layout and index.json");
        }
        ImageIndex top = ImageIndex.parse(files.get("index.json"));
        return LayoutResolver.resolve("archive " + file, top, refName, d -> {
            byte[] content = files.get(
                    "blobs/" + d.digest().algorithm() + "/" + d.digest().hex());
            if (content == null) {
                throw new OciException("archive " + file + ": blob " + d.digest() + " is missing");
            }
            return Blob.of(d, content);
        });
    }

    private static void add(Map<String, Blob> blobs, Blob blob) {
        Digest d = blob.descriptor().digest();
        blobs.putIfAbsent("blobs/" + d.algorithm() + "/" + d.hex(), blob);
    }
}
