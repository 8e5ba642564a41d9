package dev.kiln.attest;

import dev.kiln.content.Digest;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Everything the verifier looked at for one image: each check with where it was found and why it
 * passed or failed, the attestations whose signatures verified, and the policy failures.
 */
public record VerificationReport(
        String image,
        Digest subject,
        List<Check> checks,
        List<VerifiedAttestation> attestations,
        List<String> failures) {

    public VerificationReport {
        checks = List.copyOf(checks);
        attestations = List.copyOf(attestations);
        failures = List.copyOf(failures);
    }

    /**
     * {@code kind} is {@code signature}, {@code attestation} or {@code blob}. {@code unverified} marks
     * a failed check whose signature no key of the policy verifies: another signer's, or tampered.
     */
    public record Check(
            String kind,
            String location,
            @Nullable String predicateType,
            boolean passed,
            @Nullable String detail,
            boolean unverified) {

        public Check(
                String kind, String location, @Nullable String predicateType, boolean passed, @Nullable String detail) {
            this(kind, location, predicateType, passed, detail, false);
        }
    }

    /** An attestation whose DSSE signature verified and whose subject is the image. */
    // bytes carried as they are; nothing compares these records with equals (arrays compare by identity)
    @SuppressWarnings("ArrayRecordComponent")
    public record VerifiedAttestation(String predicateType, String location, byte[] statement, byte[] predicate) {}

    public boolean passed() {
        return failures.isEmpty();
    }

    public List<VerifiedAttestation> attestations(String predicateType) {
        return attestations.stream()
                .filter(a -> PredicateTypes.matches(predicateType, a.predicateType()))
                .toList();
    }

    /**
     * The image as it was named, with the verified digest appended only when it was named by tag
     * ({@code repo:tag@sha256:X}, but {@code repo@sha256:X} rather than the digest twice).
     */
    public String imageWithDigest() {
        return image.endsWith("@" + subject) ? image : image + "@" + subject;
    }

    /** Throws with every failure when the image did not pass. */
    public VerificationReport orThrow() {
        if (!passed()) {
            throw new AttestException(
                    "verification of " + imageWithDigest() + " failed: " + String.join("; ", failures));
        }
        return this;
    }
}
