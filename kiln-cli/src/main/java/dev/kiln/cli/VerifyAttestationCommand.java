package dev.kiln.cli;

import dev.kiln.attest.PredicateTypes;
import dev.kiln.attest.VerificationPolicy;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "verify-attestation",
        description = {
            "Verify an image's attestations with a public key. Policy: for each --type, at least one attestation of",
            "that predicate type about the image's digest verifies with --key; every attestation found must verify",
            "(unless --allow-other-signers)."
        })
final class VerifyAttestationCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "registry reference or OCI layout directory")
    String image;

    @Mixin
    VerifyOptions verifying;

    @Option(
            names = "--type",
            split = ",",
            description = "required predicate types or shortcuts (default: ${DEFAULT-VALUE})")
    List<String> types = List.of("slsaprovenance");

    @Option(names = "--require-signature", description = "also require an image signature")
    boolean requireSignature;

    @Option(names = "--offline", description = "IMAGE must be an OCI layout directory")
    boolean offline;

    @Option(names = "--json", description = "machine-readable output")
    boolean json;

    @Override
    public Integer call() {
        VerificationPolicy policy = verifying
                .policy()
                .withSignatureRequired(requireSignature)
                .requiring(types.stream().map(PredicateTypes::resolve).toList())
                .withBlobCheck(offline);
        return VerifyCommand.verify(spec, Output.of(spec, json), image, verifying.ref, offline, policy)
                        .passed()
                ? 0
                : 1;
    }
}
