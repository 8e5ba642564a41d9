package dev.kiln.oci;

import java.util.List;

/**
 * One platform's image: the manifest (whose descriptor carries the platform), its config and its
 * layers, each as stored bytes so that digests survive a round trip untouched.
 */
public record OciImage(Blob manifest, Blob config, List<Blob> layers) {

    public OciImage {
        if (manifest == null || config == null) {
            throw new OciException("image needs a manifest and a config");
        }
        layers = List.copyOf(layers);
    }

    /** Serialises {@code manifest} and {@code config}; the manifest descriptor gets the config's platform. */
    public static OciImage of(Manifest manifest, ImageConfig config, List<Blob> layers) {
        byte[] m = manifest.toJson();
        Descriptor d = Descriptor.of(manifest.mediaType(), m).withPlatform(config.platform());
        return new OciImage(Blob.of(d, m), Blob.of(manifest.config(), config.toJson()), layers);
    }

    public Manifest parsedManifest() {
        return Manifest.parse(manifest.bytes());
    }

    public ImageConfig parsedConfig() {
        return ImageConfig.parse(config.bytes());
    }

    public Platform platform() {
        Platform p = manifest.descriptor().platform();
        return p != null ? p : parsedConfig().platform();
    }
}
