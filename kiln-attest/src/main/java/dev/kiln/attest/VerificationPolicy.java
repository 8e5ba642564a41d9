package dev.kiln.attest;

import java.util.List;

/**
 * What must hold for an image to pass: at least one signature (when {@code requireSignature}) and at
 * least one attestation of each required predicate type, each verified with one of {@code keys};
 * by default every signature or attestation found for the image must verify too (a tampered one
 * fails the image even when another one is good). With {@code allowOtherSigners}, entries that no
 * key of the policy verifies are reported and passed over, as cosign does: an image that others
 * have signed as well still verifies, at the price of not telling their entries from tampered ones.
 * Entries a policy key does verify must still be right (subject, predicate type). With
 * {@code checkBlobs} the image's own manifests and blobs are re-hashed too.
 */
public record VerificationPolicy(
        List<VerificationKey> keys,
        boolean requireSignature,
        List<String> requiredPredicateTypes,
        boolean checkBlobs,
        boolean allowOtherSigners) {

    public VerificationPolicy {
        keys = List.copyOf(keys);
        requiredPredicateTypes = List.copyOf(requiredPredicateTypes);
        if (keys.isEmpty()) {
            throw new AttestException("verification policy names no public key");
        }
    }

    public static VerificationPolicy signedBy(VerificationKey key) {
        return new VerificationPolicy(List.of(key), true, List.of(), false, false);
    }

    public VerificationPolicy requiring(List<String> predicateTypes) {
        return new VerificationPolicy(keys, requireSignature, predicateTypes, checkBlobs, allowOtherSigners);
    }

    public VerificationPolicy withSignatureRequired(boolean required) {
        return new VerificationPolicy(keys, required, requiredPredicateTypes, checkBlobs, allowOtherSigners);
    }

    public VerificationPolicy withBlobCheck(boolean check) {
        return new VerificationPolicy(keys, requireSignature, requiredPredicateTypes, check, allowOtherSigners);
    }

    public VerificationPolicy withOtherSignersAllowed(boolean allowed) {
        return new VerificationPolicy(keys, requireSignature, requiredPredicateTypes, checkBlobs, allowed);
    }
}
