package dev.kiln.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code kiln} command: a thin front end over Kiln's libraries. */
@Command(name = "kiln", mixinStandardHelpOptions = true, version = "kiln 0.1.0",
        description = "Builds packages from upstream sources and images from packages, reproducibly.",
        subcommands = {BuildCommand.class, LintCommand.class, KeygenCommand.class, IndexCommand.class, PackageCommand.class,
                SourceCommand.class, ImageCommand.class, AdvisoryCommand.class, ScanCommand.class, InventoryCommand.class, VexCommand.class,
                CompareCommand.class, DiffCommand.class, UpdateCommand.class, DeltaCommand.class, GraphCommand.class,
                BumpCommand.class, RegistryCommand.class, UpCommand.class, SignCommand.class, AttestCommand.class,
                VerifyCommand.class, VerifyAttestationCommand.class, DownloadCommand.class, CommandLine.HelpCommand.class})
public final class Kiln implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** The command line with Kiln's error rendering: one line naming what failed, no stack trace. */
    public static CommandLine newCommandLine() {
        CommandLine cli = new CommandLine(new Kiln());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("kiln: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            commandLine.getErr().flush();
            return 1;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
