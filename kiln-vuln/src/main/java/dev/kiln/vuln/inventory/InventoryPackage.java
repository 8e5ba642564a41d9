package dev.kiln.vuln.inventory;

import dev.kiln.vuln.version.Ecosystem;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A package found in an image. {@code origin} is the source package (APK origin, Debian source) and equals
 * {@code name} for language packages; {@code evidence} are the image paths that prove it (a path inside an
 * archive is written {@code outer.jar!/inner.jar}); {@code files} are the paths an OS package owns;
 * {@code built} is when the package was built (APK {@code t:}; for dpkg the time its documentation carries,
 * which reproducible Debian builds clamp to the changelog date), or null when nothing says; {@code status} is
 * the dpkg state of a package that is on disk but not fully configured ({@code unpacked},
 * {@code half-installed}, {@code half-configured}), else null; {@code sha1} is set for an archive that names
 * no coordinates, so it can be looked up by its checksum (its {@code purl} is then null).
 */
public record InventoryPackage(
        Ecosystem ecosystem,
        String name,
        String version,
        String origin,
        @Nullable String arch,
        @Nullable String purl,
        List<String> evidence,
        List<String> files,
        @Nullable Instant built,
        @Nullable String status,
        @Nullable String sha1) {

    public InventoryPackage(
            Ecosystem ecosystem,
            String name,
            String version,
            String origin,
            @Nullable String arch,
            @Nullable String purl,
            List<String> evidence,
            List<String> files) {
        this(ecosystem, name, version, origin, arch, purl, evidence, files, null);
    }

    public InventoryPackage(
            Ecosystem ecosystem,
            String name,
            String version,
            String origin,
            @Nullable String arch,
            @Nullable String purl,
            List<String> evidence,
            List<String> files,
            @Nullable Instant built) {
        this(ecosystem, name, version, origin, arch, purl, evidence, files, built, null, null);
    }

    public InventoryPackage {
        Objects.requireNonNull(ecosystem, "ecosystem");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        origin = origin == null || origin.isEmpty() ? name : origin;
        evidence = List.copyOf(evidence);
        files = List.copyOf(files);
    }

    /** The evidence paths as files of the image (the part before {@code !} for nested archives). */
    public List<String> evidenceFiles() {
        return evidence.stream()
                .map(e -> e.contains("!") ? e.substring(0, e.indexOf('!')) : e)
                .distinct()
                .toList();
    }

    public InventoryPackage withBuilt(@Nullable Instant time) {
        return new InventoryPackage(ecosystem, name, version, origin, arch, purl, evidence, files, time, status, sha1);
    }

    public InventoryPackage withStatus(@Nullable String dpkgStatus) {
        return new InventoryPackage(
                ecosystem, name, version, origin, arch, purl, evidence, files, built, dpkgStatus, sha1);
    }

    public InventoryPackage withSha1(@Nullable String hex) {
        return new InventoryPackage(ecosystem, name, version, origin, arch, purl, evidence, files, built, status, hex);
    }
}
