package dev.kiln.cli;

import dev.kiln.server.SharedRepository;
import dev.kiln.server.publish.S3ApkRepository;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "repo",
        description = "Maintain the shared APK repository that kiln up --storage s3://… publishes into.",
        subcommands = {RepoCommand.Gc.class})
final class RepoCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "gc",
            description = {
                "Delete the packages of STORAGE/repository that no index names (left by publishes that failed",
                "after writing them) and that are older than --grace; younger ones may be publishes in flight."
            })
    static final class Gc implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--storage",
                required = true,
                description = "the s3://BUCKET/PREFIX kiln up and kiln worker use (AWS settings from the"
                        + " environment and ~/.aws, as the AWS CLI reads them)")
        String storage;

        @Option(
                names = "--grace",
                description = "keep unindexed packages written more recently than this (default: ${DEFAULT-VALUE})")
        String grace = "1h";

        @Option(names = "--state-dir", description = "temporary files go under STATE/work (default: ${DEFAULT-VALUE})")
        Path stateDir = Defaults.STATE;

        @Option(names = "--json", description = "machine-readable output")
        boolean json;

        @Override
        public Integer call() {
            Output out = Output.of(spec, json);
            if (!storage.toLowerCase(Locale.ROOT).startsWith("s3://")) {
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(),
                        "--storage '" + storage + "': expected s3://BUCKET/PREFIX (a directory --storage has no"
                                + " shared repository)");
            }
            S3ApkRepository.Collected collected = SharedRepository.collect(
                    storage,
                    System.getenv(),
                    stateDir.resolve("work"),
                    RegistryCommand.duration("--grace", grace),
                    Clock.systemUTC().instant());
            collected.deleted().forEach(p -> out.say("deleted " + p));
            out.say("deleted " + collected.deleted().size() + " unindexed packages from "
                    + SharedRepository.location(storage) + "; kept "
                    + collected.young().size()
                    + " younger than " + grace + " and " + collected.indexed() + " indexed");
            out.emit(Output.fields(
                    "event",
                    "repo-gc",
                    "repository",
                    SharedRepository.location(storage).toString(),
                    "deleted",
                    collected.deleted(),
                    "young",
                    collected.young().size(),
                    "indexed",
                    collected.indexed()));
            return 0;
        }
    }
}
