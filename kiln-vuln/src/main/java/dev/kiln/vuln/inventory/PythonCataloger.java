package dev.kiln.vuln.inventory;

import dev.kiln.vuln.version.Ecosystem;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Installed Python distributions: {@code *.dist-info/METADATA}, {@code *.egg-info/PKG-INFO}, {@code *.egg-info}
 * files, and eggs, unpacked ({@code NAME-VER-pyX.Y.egg/EGG-INFO/PKG-INFO}) or zipped ({@code *.egg}).
 */
final class PythonCataloger {
    private PythonCataloger() {}

    static List<InventoryPackage> catalog(Rootfs fs) {
        List<InventoryPackage> out = new ArrayList<>();
        for (String f : fs.files(p -> p.endsWith(".dist-info/METADATA")
                || p.endsWith(".egg-info/PKG-INFO")
                || p.endsWith(".egg-info")
                || p.endsWith(".egg/EGG-INFO/PKG-INFO"))) {
            fs.read(f).flatMap(c -> metadata(c, f)).ifPresent(out::add);
        }
        for (String f : fs.files(p -> p.endsWith(".egg"))) {
            byte[] egg = fs.read(f).orElse(null);
            ZipArchive zip = egg == null ? null : ZipArchive.open(egg).orElse(null);
            if (zip == null) {
                continue;
            }
            zip.entries().stream()
                    .filter(e -> e.name().equals("EGG-INFO/PKG-INFO"))
                    .findFirst()
                    .flatMap(zip::read)
                    .flatMap(c -> metadata(c, f + "!/EGG-INFO/PKG-INFO"))
                    .ifPresent(out::add);
        }
        return out;
    }

    /** The distribution that core metadata headers ({@code Name:}, {@code Version:}) describe. */
    private static Optional<InventoryPackage> metadata(byte[] content, String evidence) {
        String name = null;
        String version = null;
        for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                break; // the description body follows the headers
            }
            if (line.startsWith("Name:") && name == null) {
                name = line.substring(5).trim();
            } else if (line.startsWith("Version:") && version == null) {
                version = line.substring(8).trim();
            }
        }
        if (name == null || version == null) {
            return Optional.empty();
        }
        String normalized = Ecosystem.PYPI.normalizeName(name);
        return Optional.of(new InventoryPackage(
                Ecosystem.PYPI,
                normalized,
                version,
                normalized, // a language package is its own origin
                null,
                Purls.of("pypi", null, normalized, version),
                List.of(evidence),
                List.of()));
    }
}
