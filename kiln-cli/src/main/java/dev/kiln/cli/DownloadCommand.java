package dev.kiln.cli;

import dev.kiln.attest.PredicateTypes;
import dev.kiln.attest.VerificationPolicy;
import dev.kiln.attest.VerificationReport;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "download",
        description = {
            "Print an image's SBOM or SLSA provenance predicate, after verifying its attestation with --key.",
            "Nothing unverified is printed."
        })
final class DownloadCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "WHAT", description = "sbom or provenance")
    String what;

    @Parameters(index = "1", paramLabel = "IMAGE", description = "registry reference or OCI layout directory")
    String image;

    @Mixin
    VerifyOptions verifying;

    @Option(names = "--offline", description = "IMAGE must be an OCI layout directory")
    boolean offline;

    @Override
    public Integer call() {
        List<String> types = switch (what) {
            case "sbom" -> List.of(PredicateTypes.SPDX, PredicateTypes.CYCLONEDX);
            case "provenance" -> List.of(PredicateTypes.SLSA_PROVENANCE_V1);
            default ->
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(), "WHAT must be sbom or provenance, got '" + what + "'");
        };
        VerificationPolicy policy = verifying.policy().withSignatureRequired(false);
        Output quiet = new Output(
                false,
                new java.io.PrintWriter(java.io.Writer.nullWriter()),
                spec.commandLine().getErr());
        VerificationReport report = VerifyCommand.verify(spec, quiet, image, verifying.ref, offline, policy);
        if (!report.passed()) {
            return 1;
        }
        for (String type : types) {
            List<VerificationReport.VerifiedAttestation> found = report.attestations(type);
            if (!found.isEmpty()) {
                spec.commandLine().getOut().println(new String(found.get(0).predicate(), StandardCharsets.UTF_8));
                spec.commandLine().getOut().flush();
                return 0;
            }
        }
        Output.of(spec, false)
                .error("download " + what + ": " + report.imageWithDigest() + " has no verified attestation of type "
                        + types);
        return 1;
    }
}
