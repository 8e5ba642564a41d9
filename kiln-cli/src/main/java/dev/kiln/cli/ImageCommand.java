package dev.kiln.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
        name = "image",
        description = "Assemble OCI images from packages with apko-compatible configs.",
        subcommands = {
            ImageBuildCommand.class,
            ImagePublishCommand.class,
            ImageLockCommand.class,
            ImageSbomCommand.class
        })
final class ImageCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
