package dev.kiln.cli;

import dev.kiln.attest.ImageVerifier;
import dev.kiln.attest.VerificationPolicy;
import dev.kiln.attest.VerificationReport;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "verify",
        description = {
            "Verify an image's signatures with a public key. Policy: at least one signature of the image's digest",
            "verifies with --key, and every signature or attestation found for it verifies (a tampered one fails the",
            "image; --allow-other-signers passes over those --key does not verify, as cosign does). Reads",
            "sha256-HEX.sig/.att tags and OCI 1.1 referrers; exits 1 naming each failure."
        })
final class VerifyCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "registry reference or OCI layout directory")
    String image;

    @Mixin
    VerifyOptions verifying;

    @Option(names = "--offline", description = "IMAGE must be an OCI layout directory; its blobs are re-hashed too")
    boolean offline;

    @Option(names = "--check-blobs", description = "also re-hash the image's manifests, config and layers")
    boolean checkBlobs;

    @Option(names = "--json", description = "machine-readable output")
    boolean json;

    @Override
    public Integer call() {
        VerificationPolicy policy = verifying.policy().withBlobCheck(checkBlobs || offline);
        return verify(spec, Output.of(spec, json), image, verifying.ref, offline, policy)
                        .passed()
                ? 0
                : 1;
    }

    static VerificationReport verify(
            picocli.CommandLine.Model.CommandSpec spec,
            Output out,
            String image,
            @Nullable String ref,
            boolean offline,
            VerificationPolicy policy) {
        SigningTargets.Target target = SigningTargets.open(spec, image, ref, offline);
        VerificationReport report = ImageVerifier.verify(target.store(), target.reference(), policy);
        out.progress(
                "verifying " + report.image() + " = " + report.subject() + " with " + policy.keys()
                        + (policy.requiredPredicateTypes().isEmpty()
                                ? ""
                                : ", requiring " + policy.requiredPredicateTypes()),
                Output.fields(
                        "event",
                        "verifying",
                        "image",
                        report.image(),
                        "digest",
                        report.subject().toString()));
        for (VerificationReport.Check c : report.checks()) {
            boolean passedOver = !c.passed() && c.unverified() && policy.allowOtherSigners();
            out.progress(
                    (c.passed() ? "  ok   " : passedOver ? "  skip " : "  FAIL ") + c.kind()
                            + (c.predicateType() == null ? "" : " " + c.predicateType()) + " " + c.location() + ": "
                            + c.detail(),
                    Output.fields(
                            "event",
                            "check",
                            "kind",
                            c.kind(),
                            "predicateType",
                            c.predicateType(),
                            "location",
                            c.location(),
                            "passed",
                            c.passed(),
                            "skipped",
                            passedOver,
                            "detail",
                            c.detail()));
        }
        if (report.passed()) {
            long signatures = report.checks().stream()
                    .filter(c -> c.passed() && c.kind().equals("signature"))
                    .count();
            out.say("verified " + report.imageWithDigest() + ": " + signatures + " signature(s), "
                    + report.attestations().size() + " attestation(s)");
            out.emit(Output.fields(
                    "event",
                    "verified",
                    "image",
                    report.image(),
                    "digest",
                    report.subject().toString(),
                    "signatures",
                    signatures,
                    "attestations",
                    report.attestations().size()));
        } else {
            report.failures().forEach(f -> out.error("verify " + report.imageWithDigest() + ": " + f));
        }
        return report;
    }
}
