package dev.kiln.cli;

import dev.kiln.image.ImageSbom;
import dev.kiln.image.ImageTrees;
import dev.kiln.image.SbomSubject;
import dev.kiln.oci.DockerArchive;
import dev.kiln.oci.OciArchive;
import dev.kiln.oci.OciImage;
import dev.kiln.oci.OciImageSet;
import dev.kiln.oci.OciLayout;
import dev.kiln.oci.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "sbom",
        description = "Print the SBOM of an image in an OCI layout, an OCI archive or a Docker archive.")
final class ImageSbomCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "OCI layout directory, OCI archive or Docker archive")
    Path image;

    @Option(names = "--ref", description = "name of the image in the layout or archive (default: the only one)")
    @Nullable
    String ref;

    @Option(names = "--arch", description = "platform of a multi-platform image (default: the first)")
    @Nullable
    String arch;

    @Option(names = "--format", description = "spdx or cyclonedx (default: ${DEFAULT-VALUE})")
    String format = "spdx";

    @Override
    public Integer call() throws IOException {
        Named named = read();
        List<OciImage> images = named.images();
        OciImage chosen = arch == null
                ? images.get(0)
                : images.stream()
                        .filter(i -> i.platform().equals(Platform.parse(arch)))
                        .findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("image has no platform " + arch));
        ImageSbom sbom = new ImageSbom(ImageTrees.read(chosen), SbomSubject.of(named.name(), chosen));
        byte[] out = switch (format) {
            case "spdx" -> sbom.spdx();
            case "cyclonedx" -> sbom.cyclonedx();
            default -> throw new IllegalArgumentException("--format must be spdx or cyclonedx, got '" + format + "'");
        };
        spec.commandLine().getOut().print(new String(out, StandardCharsets.UTF_8));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The images read and the name the SBOM gives them. */
    private record Named(String name, List<OciImage> images) {}

    /**
     * Reads the image and names it as its container does: the layout entry's
     * {@code org.opencontainers.image.ref.name}, or the Docker archive's first {@code RepoTags} entry;
     * the file name only when the container names nothing (a copied folder keeps its image's name).
     */
    private Named read() throws IOException {
        if (Files.isDirectory(image)) {
            return named(new OciLayout(image).read(ref));
        }
        if (isDockerArchive()) {
            List<DockerArchive.Loaded> loaded = new DockerArchive(image, null)
                    .read().stream()
                            .filter(l -> ref == null || l.repoTags().contains(ref))
                            .toList();
            if (loaded.isEmpty()) {
                throw new IllegalArgumentException("docker archive " + image + " has no image tagged '" + ref + "'");
            }
            String name = ref != null
                    ? ref
                    : loaded.get(0).repoTags().stream().findFirst().orElse(fileName());
            return new Named(
                    name, loaded.stream().map(DockerArchive.Loaded::image).toList());
        }
        return named(new OciArchive(image).read(ref));
    }

    /**
     * The resolved entry's descriptor keeps its annotations: an index entry's on the index blob, a
     * plain manifest entry's on the manifest blob.
     */
    private Named named(OciImageSet set) {
        String name = ref;
        if (name == null) {
            name = set.index().descriptor().annotations().get(OciLayout.REF_NAME);
        }
        if (name == null && set.images().size() == 1) {
            name = set.images().get(0).manifest().descriptor().annotations().get(OciLayout.REF_NAME);
        }
        return new Named(name != null ? name : fileName(), set.images());
    }

    private String fileName() {
        return image.toAbsolutePath().normalize().getFileName().toString();
    }

    private boolean isDockerArchive() throws IOException {
        try (InputStream in = Files.newInputStream(image)) {
            dev.kiln.content.TarReader tar = new dev.kiln.content.TarReader(in);
            for (dev.kiln.content.TarHeader h; (h = tar.next()) != null; ) {
                if (h.name().equals("manifest.json")) {
                    return true;
                }
                if (h.name().equals("oci-layout")) {
                    return false;
                }
            }
        }
        return false;
    }
}
