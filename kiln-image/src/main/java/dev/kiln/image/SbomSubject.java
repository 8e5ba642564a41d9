package dev.kiln.image;

import dev.kiln.content.Digest;
import dev.kiln.oci.Blob;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.ImageConfig;
import dev.kiln.oci.OciImage;
import dev.kiln.oci.Platform;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * What an image SBOM describes: the image's name (a reference such as {@code kiln.dev/hello} or
 * {@code busybox:latest}), manifest digest, platform, layer descriptors and creation time in seconds.
 */
public record SbomSubject(
        String name, Digest manifestDigest, Platform platform, List<Descriptor> layers, long created) {
    public SbomSubject {
        layers = List.copyOf(layers);
    }

    /** An image Kiln has just built: its creation time is the build time it was assembled with. */
    public static SbomSubject of(String name, ArchImage image) {
        return new SbomSubject(
                name,
                image.image().manifest().descriptor().digest(),
                image.platform(),
                image.image().layers().stream().map(Blob::descriptor).toList(),
                image.created());
    }

    /** An image read back from a layout, an archive or a registry: its creation time is the config's {@code created}. */
    public static SbomSubject of(String name, OciImage image) {
        return new SbomSubject(
                name,
                image.manifest().descriptor().digest(),
                image.platform(),
                image.layers().stream().map(Blob::descriptor).toList(),
                created(image.parsedConfig(), name));
    }

    private static long created(ImageConfig config, String name) {
        if (config.created() == null) {
            return 0;
        }
        try {
            return OffsetDateTime.parse(config.created()).toEpochSecond();
        } catch (DateTimeParseException e) {
            throw new ImageException(
                    "image " + name + ": config 'created' must be an RFC 3339 time, got '" + config.created() + "'", e);
        }
    }
}
