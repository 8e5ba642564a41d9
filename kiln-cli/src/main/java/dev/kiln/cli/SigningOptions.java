package dev.kiln.cli;

import dev.kiln.attest.Attestation;
import dev.kiln.attest.ImageSigner;
import dev.kiln.attest.SigningKey;
import dev.kiln.oci.Descriptor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** What {@code kiln sign} and {@code kiln attest} share: the image, the private key, the storage and the output. */
final class SigningOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "registry reference or OCI layout directory")
    String image;

    @Option(names = "--key", required = true, description = "private key (kiln keygen --type image, or a cosign key)")
    Path key;

    @Option(
            names = "--passphrase-file",
            description = "file holding the key's passphrase (default: KILN_PASSWORD, COSIGN_PASSWORD, or a prompt)")
    @Nullable
    Path passphraseFile;

    @Option(names = "--storage", description = "legacy-tags, referrers or both (default: ${DEFAULT-VALUE})")
    String storage = "both";

    @Option(names = "--ref", description = "image name inside an OCI layout (default: its only image)")
    @Nullable
    String ref;

    @Option(names = "--offline", description = "refuse to use a registry: IMAGE must be an OCI layout directory")
    boolean offline;

    @Option(names = "--json", description = "machine-readable output")
    boolean json;

    /** Signs the image when {@code sign}, attaches {@code attestations}, and prints where each landed. */
    int signAndAttest(boolean sign, List<Attestation> attestations) throws IOException {
        Output out = Output.of(spec, json);
        ImageSigner.Storage mode = storage();
        SigningTargets.Target target = SigningTargets.open(spec, image, ref, offline);
        SigningKey signingKey = SigningTargets.signingKey(spec, key, passphraseFile);
        Descriptor subject = target.store().resolve(target.reference());
        ImageSigner.Result result = new ImageSigner(SignCommand.clock(), mode)
                .signAndAttest(target.store(), subject, signingKey, sign, attestations);
        for (ImageSigner.Stored s : result.stored()) {
            out.say(s.kind() + (s.predicateType() == null ? "" : " " + s.predicateType()) + " of " + subject.digest()
                    + " stored as " + s.location());
            out.emit(Output.fields(
                    "event",
                    s.kind(),
                    "subject",
                    subject.digest().toString(),
                    "predicateType",
                    s.predicateType(),
                    "location",
                    s.location(),
                    "manifest",
                    s.manifest().toString()));
        }
        return 0;
    }

    private ImageSigner.Storage storage() {
        return switch (storage) {
            case "legacy-tags", "legacy" -> ImageSigner.Storage.LEGACY_TAGS;
            case "referrers", "oci-1-1" -> ImageSigner.Storage.REFERRERS;
            case "both" -> ImageSigner.Storage.BOTH;
            default ->
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(), "--storage must be legacy-tags, referrers or both, got '" + storage + "'");
        };
    }
}
