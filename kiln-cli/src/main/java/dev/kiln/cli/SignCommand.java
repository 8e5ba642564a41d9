package dev.kiln.cli;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "sign",
        description = {
            "Sign an image with an ECDSA P-256 key, as cosign does: a simple-signing payload under the tag",
            "sha256-HEX.sig and a Sigstore bundle referrer (OCI 1.1). IMAGE is a registry reference or an OCI layout directory."
        })
final class SignCommand implements Callable<Integer> {
    @Mixin
    SigningOptions signing;

    @Override
    public Integer call() throws Exception {
        return signing.signAndAttest(true, List.of());
    }

    /** Signatures and attestations are timestamped at {@code $SOURCE_DATE_EPOCH} when it is set. */
    static Clock clock() {
        Long epoch = Defaults.sourceDateEpoch();
        return epoch == null
                ? Clock.systemUTC()
                : Clock.fixed(java.time.Instant.ofEpochSecond(epoch), java.time.ZoneOffset.UTC);
    }
}
