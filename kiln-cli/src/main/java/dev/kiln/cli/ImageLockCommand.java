package dev.kiln.cli;

import dev.kiln.content.AtomicFiles;
import dev.kiln.image.ImageBuildOptions;
import dev.kiln.image.ImageBuilder;
import dev.kiln.image.ImageLock;
import dev.kiln.image.ImageSpecLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "lock", description = "Resolve CONFIG to exact package versions and checksums (apko.lock.json form).")
final class ImageLockCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CONFIG", description = "apko-compatible image config (YAML)")
    Path config;

    @Option(names = "--arch", split = ",", description = "architectures; default: the config's")
    List<String> archs = new ArrayList<>();

    @Option(names = "--repository", description = "local APK repository to resolve from; repeatable")
    List<String> repositories = new ArrayList<>();

    @Option(names = "--keyring", description = "trusted public key file or directory; repeatable")
    List<Path> keyring = new ArrayList<>();

    @Option(
            names = {"-o", "--output"},
            description = "write the lock here instead of standard output")
    @Nullable
    Path output;

    @Override
    public Integer call() throws Exception {
        byte[] raw = Files.readAllBytes(config);
        ImageLock lock = new ImageBuilder(Clock.systemUTC())
                .lock(
                        ImageSpecLoader.load(config),
                        new ImageBuildOptions(
                                archs,
                                repositories,
                                keyring,
                                null,
                                Objects.requireNonNull(
                                        config.toAbsolutePath().getParent(), "an absolute file path has a parent")),
                        config.getFileName().toString(),
                        raw);
        if (output != null) {
            AtomicFiles.write(output, lock.toJson());
        } else {
            spec.commandLine().getOut().print(new String(lock.toJson(), StandardCharsets.UTF_8));
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
