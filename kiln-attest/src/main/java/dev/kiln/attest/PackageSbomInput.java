package dev.kiln.attest;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything the per-package SPDX document says (apk.md §6).
 *
 * @param namespace distribution namespace, e.g. {@code kiln}; becomes the operating-system package, the
 *     supplier and the purl's namespace and {@code distro}
 * @param fullVersion {@code VERSION-rN}
 * @param license SPDX licence expression; null means NOASSERTION; ids that are not SPDX become
 *     {@code LicenseRef-} entries
 * @param copyrightText null means NOASSERTION
 * @param recipePath path of the recipe in its repository, e.g. {@code curl.yaml}
 * @param recipeCommit commit of the recipe repository; null when unknown
 * @param dataHash SHA-256 hex of the package's data stream; makes the document namespace unique per build
 * @param sourceDateEpoch seconds since the epoch, the document's creation time
 * @param toolVersion Kiln's version, written as the creator tool
 */
public record PackageSbomInput(
        String namespace,
        String packageName,
        String fullVersion,
        String arch,
        String license,
        @Nullable String copyrightText,
        String recipePath,
        @Nullable String recipeCommit,
        List<SourceRef> sources,
        String dataHash,
        long sourceDateEpoch,
        String toolVersion) {

    public PackageSbomInput {
        require("namespace", namespace);
        if (namespace.contains("-")) {
            // syft splits the purl's distro qualifier at '-' into id and version.
            throw new AttestException("package SBOM input: namespace must not contain '-', got '" + namespace + "'");
        }
        require("packageName", packageName);
        require("fullVersion", fullVersion);
        require("arch", arch);
        require("recipePath", recipePath);
        require("toolVersion", toolVersion);
        if (dataHash == null || !dataHash.matches("[0-9a-f]{64}")) {
            throw new AttestException("package SBOM input for " + packageName
                    + ": dataHash must be 64 lowercase hex characters, got '" + dataHash + "'");
        }
        if (sourceDateEpoch < 0) {
            throw new AttestException(
                    "package SBOM input for " + packageName + ": sourceDateEpoch must be >= 0, got " + sourceDateEpoch);
        }
        sources = List.copyOf(Objects.requireNonNull(sources, "sources"));
    }

    private static void require(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new AttestException("package SBOM input: " + field + " must not be blank, got '" + value + "'");
        }
    }
}
