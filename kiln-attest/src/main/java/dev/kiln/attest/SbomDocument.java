package dev.kiln.attest;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What an SBOM says, independent of its format: the subject it describes, the components found in it
 * and how they are related. The modules that know an image, a package or an inventory fill it; the
 * writers of this module ({@link CycloneDxWriter}, {@link SpdxWriter}) turn it into a format's bytes.
 *
 * <p>The two formats draw their graphs differently, so a document carries each: CycloneDX puts the
 * subject in {@code metadata.component} and lists untyped {@code dependencies}; SPDX lists the subject
 * among its packages and names it with a {@code DESCRIBES} relationship from the document, beside
 * typed relationships. A producer fills the one its format reads and leaves the other empty.
 *
 * @param serialNumber the document's identity, derived by the producer from the content so that the
 *     same subject always gives the same bytes (CycloneDX)
 * @param created when the document was made; written to the second
 * @param tool the creator tool's name
 * @param supplier the organisation that supplied the subject and wrote the document; null when unknown
 * @param name the document's name (SPDX)
 * @param namespace the document's unique URI (SPDX {@code documentNamespace}), derived from the
 *     content like the serial number; null for a CycloneDX document
 * @param components in document order; an SPDX document lists its subject here as well
 * @param dependencies in document order; each names components by {@link SbomComponent#ref()} (CycloneDX)
 * @param relationships in document order (SPDX)
 */
public record SbomDocument(
        UUID serialNumber,
        Instant created,
        String tool,
        @Nullable String supplier,
        String name,
        @Nullable String namespace,
        SbomComponent subject,
        List<SbomComponent> components,
        List<SbomDependency> dependencies,
        List<SbomRelationship> relationships) {
    public SbomDocument {
        Objects.requireNonNull(serialNumber, "serialNumber");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(subject, "subject");
        components = List.copyOf(components);
        dependencies = List.copyOf(dependencies);
        relationships = List.copyOf(relationships);
    }

    /** A CycloneDX document: named after its subject, with dependencies and no SPDX relationships. */
    public static SbomDocument cycloneDx(
            UUID serialNumber,
            Instant created,
            String tool,
            @Nullable String supplier,
            SbomComponent subject,
            List<SbomComponent> components,
            List<SbomDependency> dependencies) {
        return new SbomDocument(
                serialNumber,
                created,
                tool,
                supplier,
                subject.name(),
                null,
                subject,
                components,
                dependencies,
                List.of());
    }

    /**
     * An SPDX document: its serial number is derived from the namespace, which is already unique per
     * content, and it has no CycloneDX dependencies.
     */
    public static SbomDocument spdx(
            String name,
            String namespace,
            Instant created,
            String tool,
            @Nullable String supplier,
            SbomComponent subject,
            List<SbomComponent> components,
            List<SbomRelationship> relationships) {
        return new SbomDocument(
                UUID.nameUUIDFromBytes(namespace.getBytes(StandardCharsets.UTF_8)),
                created,
                tool,
                supplier,
                name,
                namespace,
                subject,
                components,
                List.of(),
                relationships);
    }
}
