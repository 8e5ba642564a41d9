package dev.kiln.attest;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Predicate type URIs (supply-chain.md §4) and cosign's {@code attest --type} shortcuts. */
public final class PredicateTypes {
    public static final String SPDX = "https://spdx.dev/Document";
    public static final String CYCLONEDX = "https://cyclonedx.org/bom";
    public static final String SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";
    public static final String SLSA_PROVENANCE_V02 = "https://slsa.dev/provenance/v0.2";
    public static final String OPENVEX = "https://openvex.dev/ns";
    public static final String COSIGN_CUSTOM = "https://cosign.sigstore.dev/attestation/v1";
    public static final String COSIGN_VULN = "https://cosign.sigstore.dev/attestation/vuln/v1";
    public static final String LINK = "https://in-toto.io/Link/v1";
    /** cosign v3's image signature as a DSSE statement. */
    public static final String COSIGN_SIGN = "https://sigstore.dev/cosign/sign/v1";

    private static final Map<String, String> SHORTCUTS = Map.ofEntries(
            Map.entry("spdx", SPDX),
            Map.entry("spdxjson", SPDX),
            Map.entry("cyclonedx", CYCLONEDX),
            Map.entry("slsaprovenance", SLSA_PROVENANCE_V1),
            Map.entry("slsaprovenance1", SLSA_PROVENANCE_V1),
            Map.entry("slsaprovenance02", SLSA_PROVENANCE_V02),
            Map.entry("openvex", OPENVEX),
            Map.entry("custom", COSIGN_CUSTOM),
            Map.entry("vuln", COSIGN_VULN),
            Map.entry("link", LINK));

    private PredicateTypes() {}

    /** A shortcut's URI, or the argument itself when it is already a URI. */
    public static String resolve(String typeOrShortcut) {
        String uri = SHORTCUTS.get(typeOrShortcut);
        if (uri != null) {
            return uri;
        }
        if (typeOrShortcut.contains("://")) {
            return typeOrShortcut;
        }
        throw new AttestException("predicate type '" + typeOrShortcut + "' is neither a URI nor one of "
                + new java.util.TreeSet<>(SHORTCUTS.keySet()));
    }

    /** Whether an attestation of type {@code actual} satisfies a demand for {@code wanted}; versioned SPDX/CycloneDX URIs match their base. */
    public static boolean matches(String wanted, @Nullable String actual) {
        if (actual == null) {
            return false; // an attestation whose type was never declared satisfies no demand
        }
        if (wanted.equals(actual)) {
            return true;
        }
        return (wanted.equals(SPDX) || wanted.equals(CYCLONEDX)) && actual.startsWith(wanted + "/");
    }
}
