package dev.kiln.cli;

import dev.kiln.apk.ApkRepository;
import dev.kiln.apk.ApkSigningKey;
import dev.kiln.apk.TrustedKeys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "index",
        description = "Rewrite the signed APKINDEX.tar.gz of OUT/ARCH from the packages in it;"
                + " every package must verify with the signing key or a --keyring-append key.")
final class IndexCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--arch", description = "architecture (default: ${DEFAULT-VALUE})")
    String arch = Defaults.hostArch();

    @Option(names = "--out-dir", description = "repository root (default: ${DEFAULT-VALUE})")
    Path outDir = Defaults.REPOSITORY;

    @Option(
            names = "--signing-key",
            description = "RSA private key (default: .kiln/keys/kiln.rsa, created on first use)")
    @Nullable
    Path signingKey;

    @Option(
            names = "--keyring-append",
            description = "also trust packages signed by this public key file or" + " directory of keys; repeatable")
    List<Path> keyringAppend = new ArrayList<>();

    @Option(names = "--source-date-epoch", description = "mtime of the index entries (default: 0)")
    long sourceDateEpoch;

    @Option(names = "--json", description = "machine-readable output")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Output out = Output.of(spec, json);
        ApkSigningKey key =
                signingKey != null ? KeyFiles.load(signingKey) : KeyFiles.loadOrCreate(Defaults.SIGNING_KEY, out);
        int count = new ApkRepository(outDir).reindex(arch, key, TrustedKeys.load(keyringAppend), sourceDateEpoch);
        Path index = outDir.resolve(arch).resolve("APKINDEX.tar.gz");
        out.say("wrote " + index + " with " + count + " packages");
        out.emit(Output.fields("event", "index", "file", index.toString(), "packages", count));
        return 0;
    }
}
