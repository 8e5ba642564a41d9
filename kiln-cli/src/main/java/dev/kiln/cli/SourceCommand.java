package dev.kiln.cli;

import dev.kiln.build.source.SourceCache;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "source", description = "Manage the source cache.", subcommands = SourceCommand.Import.class)
final class SourceCommand {

    @Command(
            name = "import",
            description = {
                "Add files to the source cache by checksum, for offline and air-gapped machines.",
                "A later fetch with the same expected-sha256 or expected-sha512 uses the file without downloading."
            })
    static final class Import implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", arity = "1..*")
        List<Path> files;

        @Option(names = "--cache-dir", description = "source cache (default: ${DEFAULT-VALUE})")
        Path cacheDir = Defaults.STATE.resolve("cache");

        @Option(names = "--json", description = "machine-readable output")
        boolean json;

        @Override
        public Integer call() {
            Output out = Output.of(spec, json);
            SourceCache cache = new SourceCache(cacheDir);
            for (Path file : files) {
                SourceCache.Imported imported = cache.importFile(file);
                out.say("sha256:" + imported.sha256().hex() + "  " + file);
                out.emit(Output.fields(
                        "event",
                        "imported",
                        "file",
                        file.toString(),
                        "size",
                        imported.size(),
                        "sha256",
                        imported.sha256().hex(),
                        "sha512",
                        imported.sha512().hex()));
            }
            return 0;
        }
    }
}
