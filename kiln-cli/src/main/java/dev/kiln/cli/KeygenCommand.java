package dev.kiln.cli;

import dev.kiln.apk.ApkSigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "keygen",
        description = {
            "Generate an RSA key pair for signing packages and indexes: KEY and KEY.pub.",
            "Name keys NAME.rsa: apk and apko look the public key up as /etc/apk/keys/NAME.rsa.pub.",
            "With --type image: an ECDSA P-256 pair for signing images, KEY (encrypted in cosign's format with a",
            "passphrase from --passphrase-file, KILN_PASSWORD, COSIGN_PASSWORD or a prompt) and KEY.pub (NAME.key gives NAME.pub)."
        })
final class KeygenCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "KEY", arity = "0..1", description = "private key file (default: ${DEFAULT-VALUE})")
    Path key = Path.of("kiln.rsa");

    @Option(names = "--bits", description = "RSA modulus size, at least 2048 (default: ${DEFAULT-VALUE})")
    int bits = KeyFiles.DEFAULT_BITS;

    @Option(
            names = "--type",
            description = "apk (RSA, for packages) or image (ECDSA P-256, for images) (default: ${DEFAULT-VALUE})")
    String type = "apk";

    @Option(names = "--passphrase-file", description = "file holding the passphrase of an image key")
    @Nullable
    Path passphraseFile;

    @Option(names = "--force", description = "overwrite an existing key")
    boolean force;

    @Option(names = "--json", description = "machine-readable output")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Output out = Output.of(spec, json);
        if (type.equals("image")) {
            return imageKey(out);
        }
        if (!type.equals("apk")) {
            out.error("keygen: --type must be apk or image, got '" + type + "'");
            return 2;
        }
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
        ApkSigningKey generated = ApkSigningKey.generate(bits);
        generated.writePem(key, pub);
        out.say("wrote " + key + " and " + pub);
        out.emit(Output.fields("event", "keygen", "private", key.toString(), "public", pub.toString(), "bits", bits));
        return 0;
    }

    private int imageKey(Output out) throws Exception {
        Path file = key.equals(Path.of("kiln.rsa")) ? Path.of("kiln-image.key") : key;
        String name = file.getFileName().toString();
        Path pub = file.resolveSibling(
                name.endsWith(".key") ? name.substring(0, name.length() - 4) + ".pub" : name + ".pub");
        if (!force && (Files.exists(file) || Files.exists(pub))) {
            out.error("keygen: " + file + " or " + pub + " already exists; pass --force to replace it");
            return 2;
        }
        char[] passphrase = SigningTargets.passphrase(spec, passphraseFile, true);
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        java.security.SecureRandom random = new java.security.SecureRandom();
        dev.kiln.attest.SigningKey generated = dev.kiln.attest.SigningKey.generate(random);
        generated.write(file, pub, passphrase, random);
        out.say("wrote " + file + " (encrypted) and " + pub);
        out.emit(Output.fields(
                "event",
                "keygen",
                "type",
                "image",
                "private",
                file.toString(),
                "public",
                pub.toString(),
                "keyId",
                generated.verificationKey().keyId()));
        return 0;
    }
}
