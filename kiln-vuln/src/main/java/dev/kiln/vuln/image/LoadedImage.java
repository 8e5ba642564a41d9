package dev.kiln.vuln.image;

import dev.kiln.content.Digest;
import dev.kiln.oci.ImageConfig;
import dev.kiln.oci.Platform;
import dev.kiln.vuln.inventory.Rootfs;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One platform's image, read: its config (absent for an unpacked rootfs or a bare layer), its layers with
 * their stored and unpacked sizes, and the filesystem they make.
 */
public record LoadedImage(
        String name, @Nullable Platform platform, @Nullable ImageConfig config, List<Layer> layers, Rootfs rootfs) {

    /** A layer as stored ({@code compressedSize}, {@code digest}, null for a bare tar) and unpacked. */
    public record Layer(
            @Nullable Digest digest, @Nullable String mediaType, long compressedSize, long uncompressedSize) {}

    public LoadedImage {
        layers = List.copyOf(layers);
    }

    public Optional<ImageConfig> configIfAny() {
        return Optional.ofNullable(config);
    }

    /** What the image costs to pull: the stored layer bytes; -1 for an unpacked rootfs. */
    public long compressedSize() {
        return layers.isEmpty()
                ? -1
                : layers.stream().mapToLong(Layer::compressedSize).sum();
    }

    /** What it takes on disk: the layer tars unpacked, or the files of an unpacked rootfs. */
    public long uncompressedSize() {
        return layers.isEmpty()
                ? rootfs.totalSize()
                : layers.stream().mapToLong(Layer::uncompressedSize).sum();
    }

    /** The config's user; empty when the image has no config, "" when the config names none (root). */
    public Optional<String> user() {
        return configIfAny()
                .map(c -> c.config().user() == null ? "" : c.config().user());
    }
}
