package dev.kiln.attest;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What an SBOM says, independent of its format: the subject it describes, the components found in it
 * and which component depends on which. The modules that know an image or an inventory fill it; the
 * writers of this module ({@link CycloneDxWriter}) turn it into a format's bytes.
 *
 * @param serialNumber the document's identity, derived by the producer from the content so that the
 *     same subject always gives the same bytes
 * @param created when the document was made; written to the second
 * @param tool the creator tool's name
 * @param supplier the organisation that supplied the subject and wrote the document; null when unknown
 * @param dependencies in document order; each names components by {@link SbomComponent#ref()}
 */
public record SbomDocument(
        UUID serialNumber,
        Instant created,
        String tool,
        String supplier,
        SbomComponent subject,
        List<SbomComponent> components,
        List<SbomDependency> dependencies) {
    public SbomDocument {
        Objects.requireNonNull(serialNumber, "serialNumber");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(subject, "subject");
        components = List.copyOf(components);
        dependencies = List.copyOf(dependencies);
    }
}
