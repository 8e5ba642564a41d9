package dev.kiln.vuln.inventory;

import dev.kiln.vuln.version.Ecosystem;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The APK installed database ({@code lib/apk/db/installed} or {@code usr/lib/apk/db/installed}; both are
 * read and a file reached twice through the {@code lib/apk} symlink counts once). Keeps {@code P V A o}
 * and the file list from {@code F:}/{@code R:} for ownership.
 */
final class ApkCataloger {
    private static final List<String> LOCATIONS = List.of("lib/apk/db/installed", "usr/lib/apk/db/installed");

    private ApkCataloger() {}

    static List<InventoryPackage> catalog(Rootfs fs, OsRelease os) {
        List<InventoryPackage> out = new ArrayList<>();
        Set<String> seenDb = new LinkedHashSet<>();
        Set<String> seenPkg = new LinkedHashSet<>();
        for (String location : LOCATIONS) {
            String real = fs.resolve(location).orElse(null);
            if (real == null || !seenDb.add(real)) {
                continue;
            }
            byte[] db = fs.read(real).orElse(null);
            if (db == null) {
                continue;
            }
            for (InventoryPackage p : parse(new String(db, StandardCharsets.UTF_8), real, os)) {
                if (seenPkg.add(p.name() + "@" + p.version())) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    static List<InventoryPackage> parse(String text, String dbPath, OsRelease os) {
        List<InventoryPackage> out = new ArrayList<>();
        String name = null;
        String version = null;
        String arch = null;
        String origin = null;
        Instant built = null;
        String dir = "";
        List<String> files = new ArrayList<>();
        for (String line : (text + "\n\n").split("\n", -1)) {
            if (line.isEmpty()) {
                if (name != null && version != null) {
                    out.add(new InventoryPackage(
                            Ecosystem.APK,
                            name,
                            version,
                            origin == null ? name : origin, // no o: line: the package is its own origin
                            arch,
                            Purls.apk(os, name, version, arch, origin),
                            List.of(dbPath),
                            files,
                            built));
                }
                name = version = arch = origin = null;
                built = null;
                dir = "";
                files = new ArrayList<>();
                continue;
            }
            if (line.length() < 2 || line.charAt(1) != ':') {
                continue;
            }
            String v = line.substring(2);
            switch (line.charAt(0)) {
                case 'P' -> name = v;
                case 'V' -> version = v;
                case 'A' -> arch = v;
                case 'o' -> origin = v;
                case 't' -> built = epochSeconds(v);
                case 'F' -> dir = v;
                case 'R' -> files.add(dir.isEmpty() ? v : dir + "/" + v);
                default -> {
                    // other fields (checksums, permissions, dependencies) do not affect matching
                }
            }
        }
        return out;
    }

    private static @Nullable Instant epochSeconds(String text) {
        try {
            return Instant.ofEpochSecond(Long.parseLong(text.trim()));
        } catch (NumberFormatException e) {
            return null; // a bad build time only costs the age column, not the package
        }
    }
}
