package dev.kiln.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "sbom", description = "Print the SBOM of an image in an OCI layout or archive.")
final class ImageSbomCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "OCI layout directory, OCI archive or Docker archive")
    Path image;

    @Override
    public Integer call() {
        throw new UnsupportedOperationException("kiln image sbom is not implemented yet");
    }
}
