package dev.kiln.attest;

import dev.kiln.content.Digest;

/** Names cosign uses to store signatures and attestations (supply-chain.md §7–8). */
public final class CosignStorage {
    public static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";
    public static final String CERTIFICATE_ANNOTATION = "dev.sigstore.cosign/certificate";
    public static final String BUNDLE_ANNOTATION = "dev.sigstore.cosign/bundle";
    public static final String PREDICATE_TYPE_ANNOTATION = "predicateType";
    public static final String BUNDLE_CONTENT_ANNOTATION = "dev.sigstore.bundle.content";
    public static final String BUNDLE_PREDICATE_TYPE_ANNOTATION = "dev.sigstore.bundle.predicateType";
    public static final String CREATED_ANNOTATION = "org.opencontainers.image.created";
    /** artifactType of attestations pushed as referrers without a bundle. */
    public static final String IN_TOTO_ARTIFACT_TYPE = "application/vnd.in-toto+json";

    private CosignStorage() {}

    /** {@code sha256-HEX.sig} */
    public static String signatureTag(Digest image) {
        return image.algorithm() + "-" + image.hex() + ".sig";
    }

    /** {@code sha256-HEX.att} */
    public static String attestationTag(Digest image) {
        return image.algorithm() + "-" + image.hex() + ".att";
    }
}
