package dev.kiln.vuln.inventory;

import java.util.Locale;
import java.util.Optional;

/**
 * A distribution and release: what an image's OS packages were built for, and what an advisory source
 * covers. Releases are compared the way the distributions' own advisory feeds name them: Alpine by
 * major.minor ({@code 3.18.4} is {@code 3.18}, OSV's {@code Alpine:v3.18}), Debian by major ({@code 12.8}
 * is {@code 12}), others as written. A source without a release covers every release (rolling
 * distributions such as Wolfi have a date as their {@code VERSION_ID}, and their feeds have no release).
 */
public record Distro(String id, String release) {
    public static final Distro UNKNOWN = new Distro("", "");
    /** Kiln's own distribution: what Kiln's advisory documents describe unless told otherwise. */
    public static final Distro KILN = new Distro("kiln", "");

    public Distro {
        id = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
        release = normalizeRelease(id, release == null ? "" : release.trim());
    }

    public static Distro of(OsRelease os) {
        return new Distro(os.id(), os.versionId());
    }

    /** {@code ID} or {@code ID:RELEASE}, as on the command line ({@code wolfi}, {@code alpine:3.18}). */
    public static Distro parse(String text) {
        int colon = text.indexOf(':');
        Distro d = colon < 0 ? new Distro(text, "") : new Distro(text.substring(0, colon), text.substring(colon + 1));
        if (d.id.isEmpty() || !d.id.matches("[a-z0-9._-]+")) {
            throw new IllegalArgumentException(
                    "expected a distribution as ID or ID:RELEASE (e.g. wolfi, alpine:3.18)," + " found '" + text + "'");
        }
        return d;
    }

    /**
     * The distribution an OSV ecosystem names ({@code Debian:12}, {@code Alpine:v3.18}, {@code Ubuntu:22.04:LTS},
     * {@code Ubuntu:Pro:22.04:LTS}, {@code Wolfi}); empty for language ecosystems.
     */
    public static Optional<Distro> ofOsv(String ecosystem) {
        String[] parts = ecosystem.split(":");
        String id = parts[0].toLowerCase(Locale.ROOT);
        if (!OS_IDS.contains(id)) {
            return Optional.empty();
        }
        String release = "";
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].matches("v?[0-9][0-9.]*")) {
                release = parts[i];
                break;
            }
        }
        return Optional.of(new Distro(id, release));
    }

    private static final java.util.Set<String> OS_IDS =
            java.util.Set.of("wolfi", "chainguard", "alpine", "kiln", "minimos", "echo", "debian", "ubuntu");

    public boolean isKnown() {
        return !id.isEmpty();
    }

    /** True when this advisory source's distribution is {@code image}'s, at every release or at its release. */
    public boolean covers(Distro image) {
        return isKnown() && id.equals(image.id) && (release.isEmpty() || release.equals(image.release));
    }

    @Override
    public String toString() {
        return id.isEmpty() ? "unknown distribution" : release.isEmpty() ? id : id + " " + release;
    }

    private static String normalizeRelease(String id, String release) {
        String r = release.startsWith("v") ? release.substring(1) : release;
        String[] n = r.split("\\.");
        return switch (id) {
            case "alpine" -> n.length >= 2 ? n[0] + "." + n[1] : r;
            case "debian" -> n[0];
            default -> release;
        };
    }
}
