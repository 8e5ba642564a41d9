package dev.kiln.attest;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One thing an SBOM names: the image itself, its operating system, a package in it, or the recipe and
 * sources a package was built from. Optional fields are null (or empty lists and maps) when the
 * producer does not know them, and are then left out; start from {@link #of} and add what is known with
 * the {@code with…} methods. Each writer uses the fields its format has a place for.
 *
 * @param ref the component's identity inside the document, unique there; in an SPDX document it is the
 *     element's {@code SPDXID} (see {@link SpdxWriter#elementId})
 * @param supplier the organisation that supplied it; null when unknown
 * @param originator the organisation the component originally came from (SPDX only); null when unknown
 * @param version null when unknown (an archive known only by its file has none)
 * @param downloadLocation where the component can be fetched (SPDX only); null writes NOASSERTION
 * @param license the licence as the package declares it; the writers normalise it to an SPDX expression
 * @param spdxLicensing licence fields already written as SPDX expressions, by this component's own
 *     SPDX document; when present the SPDX writer uses them instead of normalising {@code license}
 * @param copyrightText null leaves it out (SPDX only)
 * @param purl its package URL, as text
 * @param evidence the files that show the component is present, as paths inside the subject
 * @param sourceInfo how the producer found it, as text (SPDX only)
 * @param comment a note for readers (SPDX only)
 * @param properties producer-specific facts, name to value, in order (CycloneDX only)
 */
public record SbomComponent(
        Type type,
        String ref,
        @Nullable String supplier,
        @Nullable String originator,
        String name,
        @Nullable String version,
        @Nullable String description,
        @Nullable String downloadLocation,
        @Nullable String license,
        @Nullable SpdxLicensing spdxLicensing,
        @Nullable String copyrightText,
        List<SbomChecksum> checksums,
        @Nullable String purl,
        List<String> evidence,
        @Nullable String sourceInfo,
        @Nullable String comment,
        Map<String, String> properties) {
    public SbomComponent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(name, "name");
        checksums = List.copyOf(checksums);
        evidence = List.copyOf(evidence);
        // insertion order is the document order, which Map.copyOf would lose
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    /** A component known only by its kind, identity and name. */
    public static SbomComponent of(Type type, String ref, String name) {
        return new SbomComponent(
                type, ref, null, null, name, null, null, null, null, null, null, List.of(), null, List.of(), null, null,
                Map.of());
    }

    public SbomComponent withSupplier(@Nullable String supplier) {
        return edit(f -> f.supplier = supplier);
    }

    public SbomComponent withOriginator(@Nullable String originator) {
        return edit(f -> f.originator = originator);
    }

    public SbomComponent withVersion(@Nullable String version) {
        return edit(f -> f.version = version);
    }

    public SbomComponent withDescription(@Nullable String description) {
        return edit(f -> f.description = description);
    }

    public SbomComponent withDownloadLocation(@Nullable String downloadLocation) {
        return edit(f -> f.downloadLocation = downloadLocation);
    }

    public SbomComponent withLicense(@Nullable String license) {
        return edit(f -> f.license = license);
    }

    public SbomComponent withSpdxLicensing(@Nullable SpdxLicensing spdxLicensing) {
        return edit(f -> f.spdxLicensing = spdxLicensing);
    }

    public SbomComponent withCopyrightText(@Nullable String copyrightText) {
        return edit(f -> f.copyrightText = copyrightText);
    }

    public SbomComponent withChecksums(List<SbomChecksum> checksums) {
        return edit(f -> f.checksums = checksums);
    }

    public SbomComponent withPurl(@Nullable String purl) {
        return edit(f -> f.purl = purl);
    }

    public SbomComponent withEvidence(List<String> evidence) {
        return edit(f -> f.evidence = evidence);
    }

    public SbomComponent withSourceInfo(@Nullable String sourceInfo) {
        return edit(f -> f.sourceInfo = sourceInfo);
    }

    public SbomComponent withComment(@Nullable String comment) {
        return edit(f -> f.comment = comment);
    }

    public SbomComponent withProperties(Map<String, String> properties) {
        return edit(f -> f.properties = properties);
    }

    /** A copy with one field changed: the with… methods name only the field they set. */
    private SbomComponent edit(Consumer<Fields> change) {
        Fields f = new Fields(this);
        change.accept(f);
        return new SbomComponent(
                type,
                ref,
                f.supplier,
                f.originator,
                name,
                f.version,
                f.description,
                f.downloadLocation,
                f.license,
                f.spdxLicensing,
                f.copyrightText,
                f.checksums,
                f.purl,
                f.evidence,
                f.sourceInfo,
                f.comment,
                f.properties);
    }

    /** The optional fields, mutable while {@link #edit} changes one of them. */
    private static final class Fields {
        @Nullable
        String supplier;

        @Nullable
        String originator;

        @Nullable
        String version;

        @Nullable
        String description;

        @Nullable
        String downloadLocation;

        @Nullable
        String license;

        @Nullable
        SpdxLicensing spdxLicensing;

        @Nullable
        String copyrightText;

        List<SbomChecksum> checksums;

        @Nullable
        String purl;

        List<String> evidence;

        @Nullable
        String sourceInfo;

        @Nullable
        String comment;

        Map<String, String> properties;

        Fields(SbomComponent c) {
            supplier = c.supplier;
            originator = c.originator;
            version = c.version;
            description = c.description;
            downloadLocation = c.downloadLocation;
            license = c.license;
            spdxLicensing = c.spdxLicensing;
            copyrightText = c.copyrightText;
            checksums = c.checksums;
            purl = c.purl;
            evidence = c.evidence;
            sourceInfo = c.sourceInfo;
            comment = c.comment;
            properties = c.properties;
        }
    }

    /**
     * What kind of thing the component is: SPDX 2.3's {@code primaryPackagePurpose} values, each with the
     * nearest CycloneDX 1.6 {@code component.type}.
     */
    public enum Type {
        APPLICATION("application"),
        FRAMEWORK("framework"),
        LIBRARY("library"),
        CONTAINER("container"),
        OPERATING_SYSTEM("operating-system"),
        DEVICE("device"),
        FIRMWARE("firmware"),
        // CycloneDX has no type for source code, an archive, an install recipe or "other": they are files
        SOURCE("file"),
        ARCHIVE("file"),
        FILE("file"),
        INSTALL("file"),
        OTHER("file");

        private final String cycloneDxName;

        Type(String cycloneDxName) {
            this.cycloneDxName = cycloneDxName;
        }

        public String cycloneDxName() {
            return cycloneDxName;
        }

        /** The SPDX 2.3 {@code primaryPackagePurpose} value. */
        public String spdxName() {
            return name();
        }
    }
}
