package dev.kiln.cli;

import dev.kiln.attest.Attestation;
import dev.kiln.attest.ImageSigner;
import dev.kiln.attest.PredicateTypes;
import dev.kiln.attest.SigningKey;
import dev.kiln.oci.Descriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "attest", description = {
        "Attach a signed in-toto attestation to an image: a DSSE envelope under the tag sha256-HEX.att and a",
        "Sigstore bundle referrer. --type is spdx, cyclonedx, slsaprovenance, openvex, vuln, custom or a URI."})
final class AttestCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "registry reference or OCI layout directory")
    String image;

    @Option(names = "--key", required = true, description = "private key")
    Path key;

    @Option(names = "--predicate", required = true, description = "JSON file with the predicate")
    Path predicate;

    @Option(names = "--type", required = true, description = "predicate type or shortcut")
    String type;

    @Option(names = "--passphrase-file", description = "file holding the key's passphrase")
    Path passphraseFile;

    @Option(names = "--storage", description = "legacy-tags, referrers or both (default: ${DEFAULT-VALUE})")
    String storage = "both";

    @Option(names = "--ref", description = "image name inside an OCI layout")
    String ref;

    @Option(names = "--offline", description = "IMAGE must be an OCI layout directory")
    boolean offline;

    @Option(names = "--json", description = "machine-readable output")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Attestation attestation = new Attestation(PredicateTypes.resolve(type), Files.readAllBytes(predicate));
        return signAndAttest(spec, Output.of(spec, json), image, ref, offline, key, passphraseFile, storage, false,
                List.of(attestation));
    }

    static int signAndAttest(picocli.CommandLine.Model.CommandSpec spec, Output out, String image, String ref,
            boolean offline, Path keyFile, Path passphraseFile, String storage, boolean sign, List<Attestation> attestations)
            throws Exception {
        ImageSigner.Storage mode = SignCommand.storage(spec, storage);
        SigningTargets.Target target = SigningTargets.open(spec, image, ref, offline);
        SigningKey key = SigningTargets.signingKey(spec, keyFile, passphraseFile);
        Descriptor subject = target.store().resolve(target.reference());
        ImageSigner.Result result = new ImageSigner(SignCommand.clock(), mode)
                .signAndAttest(target.store(), subject, key, sign, attestations);
        for (ImageSigner.Stored s : result.stored()) {
            out.say(s.kind() + (s.predicateType() == null ? "" : " " + s.predicateType()) + " of " + subject.digest()
                    + " stored as " + s.location());
            out.emit(Output.fields("event", s.kind(), "subject", subject.digest().toString(), "predicateType",
                    s.predicateType(), "location", s.location(), "manifest", s.manifest().toString()));
        }
        return 0;
    }
}
