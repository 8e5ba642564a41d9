package dev.kiln.image;

import dev.kiln.apk.FileTree;
import dev.kiln.apk.InstalledPackage;
import dev.kiln.oci.OciImage;
import dev.kiln.oci.Platform;
import java.util.List;

/** One architecture of a build: what was installed, the file tree, the layers and the resulting image. */
public record ArchImage(
        String apkArch,
        Platform platform,
        List<InstalledPackage> packages,
        FileTree tree,
        List<Layer> layers,
        OciImage image,
        long created) {
    public ArchImage {
        packages = List.copyOf(packages);
        layers = List.copyOf(layers);
    }
}
