package dev.kiln.cli;

import dev.kiln.image.ImageSbom;
import dev.kiln.image.ImageTrees;
import dev.kiln.image.SbomSubject;
import dev.kiln.oci.DockerArchive;
import dev.kiln.oci.ImageConfig;
import dev.kiln.oci.OciArchive;
import dev.kiln.oci.OciImage;
import dev.kiln.oci.OciLayout;
import dev.kiln.oci.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sbom", description = "Print the SBOM of an image in an OCI layout, an OCI archive or a Docker archive.")
final class ImageSbomCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "OCI layout directory, OCI archive or Docker archive")
    Path image;

    @Option(names = "--ref", description = "name of the image in the layout or archive (default: the only one)")
    String ref;

    @Option(names = "--arch", description = "platform of a multi-platform image (default: the first)")
    String arch;

    @Option(names = "--format", description = "spdx or cyclonedx (default: ${DEFAULT-VALUE})")
    String format = "spdx";

    @Override
    public Integer call() throws IOException {
        List<OciImage> images = read();
        OciImage chosen = arch == null ? images.get(0) : images.stream()
                .filter(i -> i.platform().equals(Platform.parse(arch))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("image has no platform " + arch));
        ImageConfig config = chosen.parsedConfig();
        long created = config.created() == null ? 0 : OffsetDateTime.parse(config.created()).toEpochSecond();
        SbomSubject subject = new SbomSubject(ref != null ? ref : image.getFileName().toString(),
                chosen.manifest().descriptor().digest(), chosen.platform(),
                chosen.layers().stream().map(l -> l.descriptor().digest()).toList(), created);
        ImageSbom sbom = new ImageSbom(ImageTrees.read(chosen), subject);
        byte[] out = switch (format) {
            case "spdx" -> sbom.spdx();
            case "cyclonedx" -> sbom.cyclonedx();
            default -> throw new IllegalArgumentException("--format must be spdx or cyclonedx, got '" + format + "'");
        };
        spec.commandLine().getOut().print(new String(out, StandardCharsets.UTF_8));
        spec.commandLine().getOut().flush();
        return 0;
    }

    private List<OciImage> read() throws IOException {
        if (Files.isDirectory(image)) {
            return new OciLayout(image).read(ref).images();
        }
        if (isDockerArchive()) {
            return new DockerArchive(image, null).read().stream().map(DockerArchive.Loaded::image).toList();
        }
        return new OciArchive(image).read(ref).images();
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
