package dev.kiln.vuln.image;

import dev.kiln.content.ContentException;
import dev.kiln.content.Gzip;
import dev.kiln.content.TarHeader;
import dev.kiln.content.TarReader;
import dev.kiln.oci.ImageReference;
import dev.kiln.oci.OciException;
import dev.kiln.vuln.VulnException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Where an image to inventory comes from. {@link #parse} reads a command-line target: the transport
 * prefixes skopeo users know ({@code oci:DIR[:REF]}, {@code oci-archive:FILE[:REF]},
 * {@code docker-archive:FILE}, {@code docker://REF}, {@code dir:ROOTFS}), or a bare path whose content says
 * what it is, or else an image reference in a registry.
 */
public sealed interface ImageSource {

    /** How the source is named in reports. */
    String describe();

    /** An OCI image layout directory; {@code refName} null means its only entry. */
    record LayoutDir(Path dir, @Nullable String refName) implements ImageSource {
        @Override
        public String describe() {
            return "oci:" + dir + (refName == null ? "" : ":" + refName);
        }
    }

    /** An OCI layout in a tar file. */
    record OciArchiveFile(Path file, @Nullable String refName) implements ImageSource {
        @Override
        public String describe() {
            return "oci-archive:" + file + (refName == null ? "" : ":" + refName);
        }
    }

    /** A {@code docker save} tarball. */
    record DockerArchiveFile(Path file) implements ImageSource {
        @Override
        public String describe() {
            return "docker-archive:" + file;
        }
    }

    /** An image in a registry, read with the distribution API. */
    record Registry(ImageReference reference) implements ImageSource {
        @Override
        public String describe() {
            return reference.toString();
        }
    }

    /** An unpacked root filesystem. */
    record RootfsDir(Path dir) implements ImageSource {
        @Override
        public String describe() {
            return dir.toString();
        }
    }

    /** A single layer tar, plain or gzip-compressed. */
    record LayerTar(Path file) implements ImageSource {
        @Override
        public String describe() {
            return file.toString();
        }
    }

    static ImageSource parse(String target) {
        if (target == null || target.isBlank()) {
            throw new VulnException("image target is empty");
        }
        if (target.startsWith("oci:")) {
            String[] pathRef = pathAndRef(target.substring(4));
            return new LayoutDir(Path.of(pathRef[0]), pathRef[1]);
        }
        if (target.startsWith("oci-archive:")) {
            String[] pathRef = pathAndRef(target.substring("oci-archive:".length()));
            return new OciArchiveFile(Path.of(pathRef[0]), pathRef[1]);
        }
        if (target.startsWith("docker-archive:")) {
            return new DockerArchiveFile(Path.of(target.substring("docker-archive:".length())));
        }
        if (target.startsWith("dir:")) {
            return new RootfsDir(Path.of(target.substring(4)));
        }
        if (target.startsWith("docker://")) {
            return registry(target.substring("docker://".length()), target);
        }
        Path path = Path.of(target);
        if (Files.isDirectory(path)) {
            return Files.isRegularFile(path.resolve("oci-layout")) ? new LayoutDir(path, null) : new RootfsDir(path);
        }
        if (Files.isRegularFile(path)) {
            return sniff(path);
        }
        return registry(target, target);
    }

    private static ImageSource registry(String reference, String target) {
        try {
            return new Registry(ImageReference.parse(reference));
        } catch (OciException e) {
            throw new VulnException(
                    "image target '" + target + "' is neither an existing file or directory nor an"
                            + " image reference: " + e.getMessage(),
                    e);
        }
    }

    /** {@code PATH[:REF]} split at the first colon, as skopeo does (a ref name may hold colons). */
    private static String[] pathAndRef(String text) {
        int colon = text.indexOf(':');
        if (colon < 0 || Files.exists(Path.of(text))) {
            return new String[] {text, null};
        }
        return new String[] {text.substring(0, colon), text.substring(colon + 1)};
    }

    /** A tar holding {@code oci-layout} is an OCI archive, one holding {@code manifest.json} a Docker archive. */
    private static ImageSource sniff(Path file) {
        try (BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            if (Gzip.isGzip(in)) {
                return new LayerTar(file);
            }
            boolean dockerManifest = false;
            TarReader tar = new TarReader(in);
            for (TarHeader h; (h = tar.next()) != null; ) {
                String name = h.name().startsWith("./") ? h.name().substring(2) : h.name();
                if (name.equals("oci-layout")) {
                    return new OciArchiveFile(file, null);
                }
                dockerManifest |= name.equals("manifest.json");
            }
            return dockerManifest ? new DockerArchiveFile(file) : new LayerTar(file);
        } catch (IOException | ContentException e) {
            throw new VulnException("image " + file + ": not a readable tar (" + e.getMessage() + ")", e);
        }
    }
}
