package dev.kiln.vuln.inventory;

import dev.kiln.vuln.version.Ecosystem;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Debian packages from {@code var/lib/dpkg/status} (configured stanzas, and unpacked ones marked with their state) and distroless
 * {@code var/lib/dpkg/status.d/*} (one stanza per file, no Status field); owned files from
 * {@code var/lib/dpkg/info/NAME[:ARCH].list}. The source package (for matching) comes from {@code Source:}.
 */
final class DpkgCataloger {
    /**
     * dpkg's package states (dpkg-query(1), "Package states"): these are configured with their files in place;
     * trigger processing is all they wait for.
     */
    private static final Set<String> CONFIGURED = Set.of("installed", "triggers-pending", "triggers-awaited");
    /** Files unpacked, maybe partly, but not configured: still on disk, so still vulnerable; reported with the state. */
    private static final Set<String> ON_DISK = Set.of("unpacked", "half-configured", "half-installed");

    private DpkgCataloger() {}

    /** The third word of {@code Status: WANT FLAG STATE}. */
    private static String state(String status) {
        String[] w = status.trim().split("\\s+");
        return w.length == 3 ? w[2] : "";
    }

    static List<InventoryPackage> catalog(Rootfs fs, OsRelease os) {
        List<InventoryPackage> out = new ArrayList<>();
        String status = "var/lib/dpkg/status";
        fs.read(status)
                .ifPresent(b -> stanzas(b).forEach(s -> {
                    String state = state(s.getOrDefault("Status", ""));
                    if (CONFIGURED.contains(state)) {
                        out.add(pkg(fs, os, s, status));
                    } else if (ON_DISK.contains(state)) {
                        out.add(pkg(fs, os, s, status).withStatus(state));
                    }
                }));
        for (String f : fs.files(p -> p.startsWith("var/lib/dpkg/status.d/") && !p.endsWith(".md5sums"))) {
            fs.read(f).ifPresent(b -> stanzas(b).forEach(s -> out.add(pkg(fs, os, s, f))));
        }
        return out;
    }

    private static InventoryPackage pkg(Rootfs fs, OsRelease os, Map<String, String> s, String evidence) {
        String name = s.getOrDefault("Package", "");
        String version = s.getOrDefault("Version", "");
        String arch = s.getOrDefault("Architecture", "");
        String source = s.getOrDefault("Source", name);
        if (source.contains(" (")) { // "Source: glibc (2.36-9)": the binary version stays the installed one
            source = source.substring(0, source.indexOf(" ("));
        }
        List<String> files = new ArrayList<>();
        for (String list :
                List.of("var/lib/dpkg/info/" + name + ".list", "var/lib/dpkg/info/" + name + ":" + arch + ".list")) {
            fs.read(list).ifPresent(b -> {
                for (String line : new String(b, StandardCharsets.UTF_8).split("\n")) {
                    String p = Rootfs.normalize(line.trim());
                    if (!p.isEmpty()) {
                        files.add(p);
                    }
                }
            });
        }
        return new InventoryPackage(
                Ecosystem.DEBIAN,
                name,
                version,
                source,
                arch,
                Purls.deb(os, name, version, arch, source),
                List.of(evidence),
                files,
                built(fs, name));
    }

    /**
     * dpkg records no build time. Debian builds clamp file times to the changelog date (SOURCE_DATE_EPOCH),
     * and dpkg keeps them on unpacking, so the package's own changelog or copyright file dates it.
     */
    private static @Nullable Instant built(Rootfs fs, String name) {
        for (String doc : List.of("changelog.Debian.gz", "changelog.gz", "copyright")) {
            Optional<Instant> t = fs.mtime("usr/share/doc/" + name + "/" + doc);
            if (t.isPresent() && t.get().getEpochSecond() > 0) {
                return t.get();
            }
        }
        return null;
    }

    /** RFC 822-style stanzas separated by blank lines; continuation lines are dropped (descriptions). */
    static List<Map<String, String>> stanzas(byte[] content) {
        List<Map<String, String>> out = new ArrayList<>();
        Map<String, String> current = new LinkedHashMap<>();
        for (String line : (new String(content, StandardCharsets.UTF_8) + "\n\n").split("\n", -1)) {
            if (line.isBlank()) {
                if (current.containsKey("Package")) {
                    out.add(current);
                }
                current = new LinkedHashMap<>();
            } else if (!line.startsWith(" ") && !line.startsWith("\t") && line.contains(":")) {
                int colon = line.indexOf(':');
                current.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return out;
    }
}
