package dev.kiln.vuln.inventory;

import dev.kiln.content.Purl;
import org.jspecify.annotations.Nullable;

/**
 * The package URLs of what an inventory finds, as syft writes them; encoding and canonical form are
 * {@link Purl}'s. VEX subcomponents and SBOMs take their purls from here.
 */
public final class Purls {
    private Purls() {}

    public static String apk(
            OsRelease os, String name, String version, @Nullable String arch, @Nullable String origin) {
        return osPackage("apk", "unknown", os, name, version, arch, origin);
    }

    public static String deb(
            OsRelease os, String name, String version, @Nullable String arch, @Nullable String source) {
        return osPackage("deb", "debian", os, name, version, arch, source);
    }

    /** {@code pkg:TYPE/DISTRO/NAME@VERSION?arch=&distro=ID-VERSION_ID&upstream=}, as syft writes OS packages. */
    private static String osPackage(
            String type,
            String unknownDistro,
            OsRelease os,
            String name,
            String version,
            @Nullable String arch,
            @Nullable String upstream) {
        return Purl.of(type, os.id().isEmpty() ? unknownDistro : os.id(), name, version)
                .withQualifier("arch", arch)
                .withQualifier(
                        "distro",
                        os.id().isEmpty() ? null : os.id() + (os.versionId().isEmpty() ? "" : "-" + os.versionId()))
                .withQualifier("upstream", upstream == null || upstream.equals(name) ? null : upstream)
                .toString();
    }

    public static String of(String type, @Nullable String namespace, String name, String version) {
        return Purl.of(type, namespace, name, version).toString();
    }
}
