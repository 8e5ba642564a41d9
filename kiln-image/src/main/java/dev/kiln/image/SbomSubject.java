package dev.kiln.image;

import dev.kiln.content.Digest;
import dev.kiln.oci.Platform;
import java.util.List;

/** What an image SBOM describes: the image's name, manifest digest, platform, layer digests and creation time. */
public record SbomSubject(String name, Digest manifestDigest, Platform platform, List<Digest> layers, long created) {
    public SbomSubject {
        layers = List.copyOf(layers);
    }

    public static SbomSubject of(String name, ArchImage image) {
        return new SbomSubject(name, image.image().manifest().descriptor().digest(), image.platform(),
                image.layers().stream().map(l -> l.blob().descriptor().digest()).toList(), image.created());
    }
}
