package dev.kiln.cli;

import dev.kiln.apk.ApkInput;
import dev.kiln.apk.ApkWriter;
import dev.kiln.apk.PkgInfo;
import dev.kiln.apk.WrittenApk;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "package",
        description = {
            "Write a directory tree as a signed APK, without a recipe (owners become root, mtimes the source date)."
        })
final class PackageCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "the package's root directory")
    Path dir;

    @Option(names = "--name", required = true)
    String name;

    @Option(names = "--version", required = true, description = "full version, e.g. 1.2.3-r0")
    String version;

    @Option(names = "--arch", description = "architecture (default: ${DEFAULT-VALUE})")
    String arch = Defaults.hostArch();

    @Option(names = "--description")
    String description = "";

    @Option(names = "--license")
    @Nullable
    String license;

    @Option(names = "--depends", split = " ", description = "runtime dependencies (APK atoms)")
    List<String> depends = List.of();

    @Option(
            names = "--signing-key",
            description = "RSA private key (default: .kiln/keys/kiln.rsa, created on first use)")
    @Nullable
    Path signingKey;

    @Option(names = "--source-date-epoch", description = "mtime of every entry (default: 0)")
    long sourceDateEpoch;

    @Option(names = "--out", required = true, description = "the .apk to write")
    Path out;

    @Option(names = "--json", description = "machine-readable output")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Output output = Output.of(spec, json);
        PkgInfo info = PkgInfo.builder()
                .name(name)
                .version(version)
                .arch(arch)
                .origin(name)
                .description(description)
                .url("")
                .license(license)
                .builddate(sourceDateEpoch)
                .depends(depends)
                .build();
        WrittenApk written = new ApkWriter()
                .write(
                        new ApkInput(info, dir, Map.of(), Map.of(), sourceDateEpoch),
                        signingKey != null
                                ? KeyFiles.load(signingKey)
                                : KeyFiles.loadOrCreate(Defaults.SIGNING_KEY, output),
                        out);
        output.say(written.file() + "  sha256:" + written.sha256().hex() + "  " + written.fileSize() + " bytes");
        output.emit(Output.fields(
                "event",
                "package",
                "file",
                written.file().toString(),
                "sha256",
                written.sha256().hex(),
                "identity",
                written.identity(),
                "size",
                written.fileSize(),
                "installedSize",
                written.pkgInfo().size()));
        return 0;
    }
}
