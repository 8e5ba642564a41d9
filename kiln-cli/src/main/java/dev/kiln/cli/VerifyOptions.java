package dev.kiln.cli;

import dev.kiln.attest.VerificationPolicy;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What {@code kiln verify}, {@code verify-attestation} and {@code download} share: the public key and its policy. */
final class VerifyOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--key", required = true, description = "public key (PEM)")
    Path key;

    @Option(
            names = "--allow-other-signers",
            description = "pass over signatures and attestations that --key does not"
                    + " verify (another signer's, or tampered), as cosign does, instead of failing the image")
    boolean allowOtherSigners;

    @Option(names = "--ref", description = "image name inside an OCI layout")
    @Nullable
    String ref;

    /** At least one signature by --key; other signers fail the image unless --allow-other-signers. */
    VerificationPolicy policy() {
        return VerificationPolicy.signedBy(SigningTargets.publicKey(spec, key))
                .withOtherSignersAllowed(allowOtherSigners);
    }
}
