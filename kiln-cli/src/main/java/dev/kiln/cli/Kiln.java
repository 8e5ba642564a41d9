package dev.kiln.cli;

import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code kiln} command: a thin front end over Kiln's libraries. */
@Command(
        name = "kiln",
        mixinStandardHelpOptions = true,
        version = "kiln 0.1.0",
        description = "Builds packages from upstream sources and images from packages, reproducibly.")
public final class Kiln implements Runnable {
    /** The subcommands, in the order help lists them. */
    private static final List<Class<?>> SUBCOMMANDS = List.of(
            BuildCommand.class,
            BootstrapCommand.class,
            LintCommand.class,
            KeygenCommand.class,
            IndexCommand.class,
            PackageCommand.class,
            SourceCommand.class,
            ImageCommand.class,
            AdvisoryCommand.class,
            ScanCommand.class,
            InventoryCommand.class,
            VexCommand.class,
            CompareCommand.class,
            DiffCommand.class,
            UpdateCommand.class,
            DeltaCommand.class,
            GraphCommand.class,
            BumpCommand.class,
            RegistryCommand.class,
            RepoCommand.class,
            UpCommand.class,
            WorkerCommand.class,
            SignCommand.class,
            AttestCommand.class,
            VerifyCommand.class,
            VerifyAttestationCommand.class,
            DownloadCommand.class,
            StartupTrainingCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(newCommandLine(args.length == 0 ? null : args[0]).execute(args));
    }

    /** The whole command line with Kiln's error rendering: one line naming what failed, no stack trace. */
    public static CommandLine newCommandLine() {
        return newCommandLine(null);
    }

    /**
     * The command line with only the subcommand named {@code first} when there is one: picocli reflects
     * over every registered command when it is built, which for all of Kiln's took about half a second
     * of each short command's start. Anything else (help, a typo) gets every subcommand.
     */
    static CommandLine newCommandLine(@Nullable String first) {
        CommandLine cli = new CommandLine(new Kiln());
        List<Class<?>> named = SUBCOMMANDS.stream()
                .filter(c -> c.getAnnotation(Command.class).name().equals(first))
                .toList();
        for (Class<?> c : named.isEmpty() ? SUBCOMMANDS : named) {
            cli.addSubcommand(c);
        }
        cli.addSubcommand("help", new CommandLine.HelpCommand());
        withHelpOptions(cli);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("kiln: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            commandLine.getErr().flush();
            return 1;
        });
        return cli;
    }

    /** Every subcommand answers {@code --help} and {@code --version}, as the top level does. */
    private static void withHelpOptions(CommandLine cli) {
        for (CommandLine sub : cli.getSubcommands().values()) {
            if (!(sub.getCommand() instanceof CommandLine.HelpCommand)) {
                sub.getCommandSpec().mixinStandardHelpOptions(true);
                withHelpOptions(sub);
            }
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
