package dev.kiln.cli;

import dev.kiln.oci.Platform;
import dev.kiln.oci.distribution.RegistryClient;
import dev.kiln.vuln.image.ImageLoader;
import dev.kiln.vuln.image.LoadedImage;
import java.net.http.HttpClient;
import picocli.CommandLine.Option;

/** How the vulnerability commands read an image: one target syntax and one {@code --platform} for all. */
final class ImageOptions {
    static final String TARGET_HELP = "OCI layout dir, oci-archive:FILE, docker-archive:FILE, a registry reference"
            + " (docker://REF; plain HTTP on 127.0.0.1), an unpacked rootfs dir, or a (gzipped) layer tar";

    @Option(
            names = "--platform",
            defaultValue = "linux/amd64",
            description = "which image of a multi-platform index to read (default: ${DEFAULT-VALUE})")
    String platform;

    LoadedImage load(String target) {
        ImageLoader loader = new ImageLoader(new RegistryClient(
                HttpClient.newBuilder()
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .build(),
                null));
        return loader.load(target, Platform.parse(platform));
    }
}
