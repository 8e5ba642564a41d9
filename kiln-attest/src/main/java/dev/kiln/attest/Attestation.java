package dev.kiln.attest;

/** A predicate to attest about an image: its type URI and its JSON bytes. */
// bytes carried as they are; nothing compares these records with equals (arrays compare by identity)
@SuppressWarnings("ArrayRecordComponent")
public record Attestation(String predicateType, byte[] predicate) {
    public Attestation {
        if (predicateType == null || predicateType.isEmpty()) {
            throw new AttestException("attestation has no predicate type");
        }
        dev.kiln.attest.internal.Json.parse(predicate, "predicate of type " + predicateType);
    }
}
