package dev.kiln.apk;

import dev.kiln.apk.internal.RsaVerifier;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Signature checking shared by packages and indexes (apk.md §3, §7.1). */
final class Signatures {
    private Signatures() {}

    /**
     * Accepts when some RSA256/RSA512 signature from a trusted key verifies against the streamed
     * digests ({@code SHA-256}/{@code SHA-512} of the signed stream); otherwise throws naming the
     * signatures, the trusted keys and what failed.
     */
    static void verify(
            String what, List<ApkSignature> signatures, @Nullable TrustedKeys keys, Map<String, byte[]> digests) {
        if (keys == null) {
            throw new ApkException(what + ": no trusted keys given to verify against");
        }
        if (signatures.isEmpty()) {
            throw new ApkException(
                    what + " is not signed: expected a .SIGN.RSA256.* entry from one of " + keys.names());
        }
        StringBuilder failures = new StringBuilder();
        boolean anyTrusted = false;
        for (ApkSignature sig : signatures) {
            String digestAlgorithm = RsaVerifier.digestAlgorithm(sig.algorithm());
            Optional<PublicKey> key = keys.find(sig.keyName());
            if (digestAlgorithm == null || key.isEmpty()) {
                continue;
            }
            anyTrusted = true;
            byte[] digest = Objects.requireNonNull(
                    digests.get(digestAlgorithm),
                    () -> what + ": no " + digestAlgorithm + " digest of the signed stream");
            if (RsaVerifier.verify(key.get(), sig.algorithm(), digest, sig.signature())) {
                return;
            }
            failures.append(failures.length() == 0 ? "" : "; ")
                    .append(sig)
                    .append(" does not verify with trusted key ")
                    .append(sig.keyName());
        }
        if (!anyTrusted) {
            throw new ApkException(what + ": no RSA256/RSA512 signature from a trusted key; signed by " + signatures
                    + ", trusted keys " + keys.names());
        }
        throw new ApkException(what + ": bad signature: " + failures
                + " (the signed stream was modified or signed with a different key of the same name)");
    }
}
