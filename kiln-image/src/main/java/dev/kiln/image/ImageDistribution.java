package dev.kiln.image;

import dev.kiln.apk.FileNode;
import dev.kiln.apk.FileTree;
import dev.kiln.apk.IndexEntry;
import dev.kiln.content.Purl;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The distribution an image says it is, from its {@code /etc/os-release} (or {@code /usr/lib/os-release}), and
 * the package URLs it gives its packages. The image SBOM and the image provenance both name packages here, so
 * a package has the same purl in both (images.md §8; scanners key on the {@code distro} and {@code upstream}
 * qualifiers, supply-chain.md §1.5).
 */
final class ImageDistribution {
    private final Map<String, String> osRelease;

    private ImageDistribution(Map<String, String> osRelease) {
        this.osRelease = osRelease;
    }

    static ImageDistribution of(FileTree tree) {
        return new ImageDistribution(osRelease(tree));
    }

    /** {@code ID}, or {@code unknown} when the image states none. */
    String id() {
        return osRelease.getOrDefault("ID", "unknown");
    }

    /** {@code VERSION_ID}, or null when the image states none (a rolling distribution). */
    @Nullable
    String versionId() {
        String v = osRelease.get("VERSION_ID");
        return v == null || v.isEmpty() ? null : v;
    }

    /** {@code NAME}, else the id. */
    String name() {
        return osRelease.getOrDefault("NAME", id());
    }

    /** {@code ID-VERSION_ID}, or the id alone: only what the image states. */
    String distro() {
        return versionId() == null ? id() : id() + "-" + versionId();
    }

    /** {@code pkg:apk/ID/NAME@VERSION?arch=…&distro=ID-VERSION_ID[&upstream=ORIGIN]}, qualifiers sorted. */
    String apkPurl(IndexEntry e, String defaultArch) {
        return Purl.of("apk", id().toLowerCase(Locale.ROOT), e.name(), e.version())
                .withQualifier("arch", e.arch() == null ? defaultArch : e.arch())
                .withQualifier("distro", distro())
                .withQualifier("upstream", e.origin() == null || e.origin().equals(e.name()) ? null : e.origin())
                .toString();
    }

    private static Map<String, String> osRelease(FileTree tree) {
        Map<String, String> out = new LinkedHashMap<>();
        tree.get("etc/os-release")
                .or(() -> tree.get("usr/lib/os-release"))
                .filter(n -> n.kind() == FileNode.Kind.FILE)
                .ifPresent(n -> {
                    for (String line : new String(n.content(), StandardCharsets.UTF_8).split("\n")) {
                        int eq = line.indexOf('=');
                        if (eq > 0 && !line.startsWith("#")) {
                            out.put(
                                    line.substring(0, eq).trim(),
                                    line.substring(eq + 1).trim().replaceAll("^\"|\"$", ""));
                        }
                    }
                });
        return out;
    }
}
