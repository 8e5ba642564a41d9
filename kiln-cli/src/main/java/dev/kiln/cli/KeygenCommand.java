package dev.kiln.cli;

import dev.kiln.apk.SigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "keygen", description = {
        "Generate an RSA key pair for signing packages and indexes: KEY and KEY.pub.",
        "Name keys NAME.rsa: apk and apko look the public key up as /etc/apk/keys/NAME.rsa.pub."})
final class KeygenCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "KEY", arity = "0..1", description = "private key file (default: ${DEFAULT-VALUE})")
    Path key = Path.of("kiln.rsa");

    @Option(names = "--bits", description = "RSA modulus size, at least 2048 (default: ${DEFAULT-VALUE})")
    int bits = KeyFiles.DEFAULT_BITS;

    @Option(names = "--force", description = "overwrite an existing key")
    boolean force;

    @Option(names = "--json", description = "machine-readable output")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Output out = Output.of(spec, json);
        Path pub = key.resolveSibling(key.getFileName() + ".pub");
        if (!force && (Files.exists(key) || Files.exists(pub))) {
            out.error("keygen: " + key + " or " + pub + " already exists; pass --force to replace it");
            return 2;
        }
        if (bits < 2048) {
            out.error("keygen: --bits must be at least 2048, got " + bits);
            return 2;
        }
        if (key.toAbsolutePath().getParent() != null) {
            Files.createDirectories(key.toAbsolutePath().getParent());
        }
        SigningKey generated = SigningKey.generate(bits);
        generated.writePem(key, pub);
        out.say("wrote " + key + " and " + pub);
        out.emit(Output.fields("event", "keygen", "private", key.toString(), "public", pub.toString(), "bits", bits));
        return 0;
    }
}
