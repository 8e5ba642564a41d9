package dev.kiln.attest;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One thing an SBOM names: the image itself, its operating system or a package in it. Optional fields
 * are null (or empty lists and maps) when the producer does not know them, and are then left out; start
 * from {@link #of} and add what is known with the {@code with…} methods.
 *
 * @param ref the component's identity inside the document, unique there
 * @param supplier the organisation that supplied it; null when unknown
 * @param version null when unknown (an archive known only by its file has none)
 * @param license the licence as the package declares it; the writer normalises it to an SPDX expression
 * @param purl its package URL, as text
 * @param evidence the files that show the component is present, as paths inside the subject
 * @param properties producer-specific facts, name to value, in order
 */
public record SbomComponent(
        Type type,
        String ref,
        @Nullable String supplier,
        String name,
        @Nullable String version,
        @Nullable String description,
        @Nullable String license,
        List<SbomChecksum> checksums,
        @Nullable String purl,
        List<String> evidence,
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
        return new SbomComponent(type, ref, null, name, null, null, null, List.of(), null, List.of(), Map.of());
    }

    public SbomComponent withSupplier(@Nullable String supplier) {
        return new SbomComponent(
                type, ref, supplier, name, version, description, license, checksums, purl, evidence, properties);
    }

    public SbomComponent withVersion(@Nullable String version) {
        return new SbomComponent(
                type, ref, supplier, name, version, description, license, checksums, purl, evidence, properties);
    }

    public SbomComponent withDescription(@Nullable String description) {
        return new SbomComponent(
                type, ref, supplier, name, version, description, license, checksums, purl, evidence, properties);
    }

    public SbomComponent withLicense(@Nullable String license) {
        return new SbomComponent(
                type, ref, supplier, name, version, description, license, checksums, purl, evidence, properties);
    }

    public SbomComponent withChecksums(List<SbomChecksum> checksums) {
        return new SbomComponent(
                type, ref, supplier, name, version, description, license, checksums, purl, evidence, properties);
    }

    public SbomComponent withPurl(@Nullable String purl) {
        return new SbomComponent(
                type, ref, supplier, name, version, description, license, checksums, purl, evidence, properties);
    }

    public SbomComponent withEvidence(List<String> evidence) {
        return new SbomComponent(
                type, ref, supplier, name, version, description, license, checksums, purl, evidence, properties);
    }

    public SbomComponent withProperties(Map<String, String> properties) {
        return new SbomComponent(
                type, ref, supplier, name, version, description, license, checksums, purl, evidence, properties);
    }

    /** What kind of thing the component is, with its CycloneDX 1.6 {@code component.type}. */
    public enum Type {
        CONTAINER("container"),
        OPERATING_SYSTEM("operating-system"),
        LIBRARY("library");

        private final String cycloneDxName;

        Type(String cycloneDxName) {
            this.cycloneDxName = cycloneDxName;
        }

        public String cycloneDxName() {
            return cycloneDxName;
        }
    }
}
