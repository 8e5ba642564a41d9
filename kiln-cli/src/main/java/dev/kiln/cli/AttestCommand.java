package dev.kiln.cli;

import dev.kiln.attest.Attestation;
import dev.kiln.attest.PredicateTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "attest",
        description = {
            "Attach a signed in-toto attestation to an image: a DSSE envelope under the tag sha256-HEX.att and a",
            "Sigstore bundle referrer. --type is spdx, cyclonedx, slsaprovenance, openvex, vuln, custom or a URI."
        })
final class AttestCommand implements Callable<Integer> {
    @Mixin
    SigningOptions signing;

    @Option(names = "--predicate", required = true, description = "JSON file with the predicate")
    Path predicate;

    @Option(names = "--type", required = true, description = "predicate type or shortcut")
    String type;

    @Override
    public Integer call() throws Exception {
        Attestation attestation = new Attestation(PredicateTypes.resolve(type), Files.readAllBytes(predicate));
        return signing.signAndAttest(false, List.of(attestation));
    }
}
