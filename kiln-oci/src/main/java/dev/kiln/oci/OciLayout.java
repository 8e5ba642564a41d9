package dev.kiln.oci;

import dev.kiln.content.AtomicFiles;
import dev.kiln.content.Digest;
import dev.kiln.content.Hashing;
import dev.kiln.oci.internal.LayoutResolver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An OCI image layout directory (image-layout.md): {@code oci-layout}, {@code index.json} and
 * {@code blobs/ALG/HEX}. Blobs are written first and {@code index.json} last, each atomically, so a
 * reader never sees an index entry whose blobs are missing.
 */
public final class OciLayout implements ImageSink {
    public static final String REF_NAME = LayoutResolver.REF_NAME;
    static final byte[] LAYOUT_FILE = "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);

    private final Path dir;

    public OciLayout(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path blobPath(Digest digest) {
        return dir.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
    }

    public boolean hasBlob(Descriptor d) {
        Path p = blobPath(d.digest());
        try {
            return Files.isRegularFile(p) && Files.size(p) == d.size();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Stores a blob unless a blob of that digest and size is already there. The bytes are hashed on
     * their way into the temporary file, so a blob that does not match its descriptor is never
     * renamed into place and is not read a second time to check it.
     */
    public void writeBlob(Blob blob) {
        Descriptor d = blob.descriptor();
        if (hasBlob(d)) {
            return;
        }
        AtomicFiles.write(blobPath(d.digest()), out -> {
            MessageDigest sha256 = Hashing.sha256();
            try (InputStream in = new DigestInputStream(blob.open(), sha256)) {
                AtomicFiles.transfer(in, out);
            }
            Digest actual = Digest.ofSha256(sha256.digest());
            if (!actual.equals(d.digest())) {
                throw new OciException("layout " + dir + ": blob declared as " + d.digest() + " hashes to " + actual);
            }
        });
    }

    /**
     * Writes the image set's blobs and points {@code refName} at its index in {@code index.json},
     * replacing an earlier entry of that name. Returns the index digest.
     */
    @Override
    public Digest write(OciImageSet images, String refName) {
        ensureLayoutFile();
        for (OciImage image : images.images()) {
            image.layers().forEach(this::writeBlob);
            writeBlob(image.config());
            writeBlob(image.manifest());
        }
        writeBlob(images.index());
        Descriptor entry = images.index().descriptor();
        if (refName != null) {
            entry = entry.withAnnotation(REF_NAME, refName);
        }
        List<Descriptor> entries = new ArrayList<>();
        for (Descriptor d : index().manifests()) {
            boolean sameName = refName != null && refName.equals(d.annotations().get(REF_NAME));
            if (!sameName && !(refName == null && d.digest().equals(entry.digest()))) {
                entries.add(d);
            }
        }
        entries.add(entry);
        AtomicFiles.write(
                dir.resolve("index.json"), ImageIndex.of(entries, Map.of()).toJson());
        return entry.digest();
    }

    /** The layout's {@code index.json}; empty when there is none yet. */
    public ImageIndex index() {
        Path file = dir.resolve("index.json");
        if (!Files.exists(file)) {
            return ImageIndex.of(List.of(), Map.of());
        }
        try {
            return ImageIndex.parse(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new OciException("layout " + dir + ": cannot read index.json: " + e.getMessage(), e);
        } catch (OciException e) {
            throw new OciException("layout " + dir + ": " + e.getMessage(), e);
        }
    }

    public Blob blob(Descriptor d) {
        Path p = blobPath(d.digest());
        if (!Files.isRegularFile(p)) {
            throw new OciException("layout " + dir + ": blob " + d.digest() + " is missing");
        }
        return Blob.ofFile(d, p);
    }

    /** The image set named {@code refName}, or the only entry when {@code refName} is null. */
    public OciImageSet read(@Nullable String refName) {
        if (!Files.isRegularFile(dir.resolve("oci-layout"))) {
            throw new OciException("layout " + dir + ": no oci-layout file; not an OCI image layout");
        }
        return LayoutResolver.resolve("layout " + dir, index(), refName, this::blob);
    }

    private void ensureLayoutFile() {
        Path f = dir.resolve("oci-layout");
        if (!Files.exists(f)) {
            AtomicFiles.write(f, LAYOUT_FILE);
        }
    }
}
