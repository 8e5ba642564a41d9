package dev.kiln.attest;

import java.util.Objects;

/** A component's checksum: the algorithm and the lowercase hex value. */
public record SbomChecksum(Algorithm algorithm, String hex) {
    public SbomChecksum {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(hex, "hex");
    }

    /** The algorithms Kiln records, with their names in SPDX 2.3 (§7.10) and CycloneDX 1.6 ({@code hash-alg}). */
    public enum Algorithm {
        SHA1("SHA1", "SHA-1"),
        SHA256("SHA256", "SHA-256"),
        SHA512("SHA512", "SHA-512");

        private final String spdxName;
        private final String cycloneDxName;

        Algorithm(String spdxName, String cycloneDxName) {
            this.spdxName = spdxName;
            this.cycloneDxName = cycloneDxName;
        }

        public String spdxName() {
            return spdxName;
        }

        public String cycloneDxName() {
            return cycloneDxName;
        }
    }
}
