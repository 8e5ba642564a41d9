package dev.kiln.cli;

import dev.kiln.attest.ImageSigner;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sign", description = {
        "Sign an image with an ECDSA P-256 key, as cosign does: a simple-signing payload under the tag",
        "sha256-HEX.sig and a Sigstore bundle referrer (OCI 1.1). IMAGE is a registry reference or an OCI layout directory."})
final class SignCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "registry reference or OCI layout directory")
    String image;

    @Option(names = "--key", required = true, description = "private key (kiln keygen --type image, or a cosign key)")
    Path key;

    @Option(names = "--passphrase-file", description = "file holding the key's passphrase (default: KILN_PASSWORD, COSIGN_PASSWORD, or a prompt)")
    Path passphraseFile;

    @Option(names = "--storage", description = "legacy-tags, referrers or both (default: ${DEFAULT-VALUE})")
    String storage = "both";

    @Option(names = "--ref", description = "image name inside an OCI layout (default: its only image)")
    String ref;

    @Option(names = "--offline", description = "refuse to use a registry: IMAGE must be an OCI layout directory")
    boolean offline;

    @Option(names = "--json", description = "machine-readable output")
    boolean json;

    @Override
    public Integer call() throws Exception {
        return AttestCommand.signAndAttest(spec, Output.of(spec, json), image, ref, offline, key, passphraseFile, storage,
                true, List.of());
    }

    static ImageSigner.Storage storage(picocli.CommandLine.Model.CommandSpec spec, String text) {
        return switch (text) {
            case "legacy-tags", "legacy" -> ImageSigner.Storage.LEGACY_TAGS;
            case "referrers", "oci-1-1" -> ImageSigner.Storage.REFERRERS;
            case "both" -> ImageSigner.Storage.BOTH;
            default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--storage must be legacy-tags, referrers or both, got '" + text + "'");
        };
    }

    static Clock clock() {
        String epoch = System.getenv("SOURCE_DATE_EPOCH");
        return epoch == null ? Clock.systemUTC()
                : Clock.fixed(java.time.Instant.ofEpochSecond(Long.parseLong(epoch.trim())), java.time.ZoneOffset.UTC);
    }
}
