package dev.kiln.vuln.inventory;

import dev.kiln.vuln.version.Ecosystem;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Installed Python distributions: {@code *.dist-info/METADATA}, {@code *.egg-info/PKG-INFO}, {@code *.egg-info} files. */
final class PythonCataloger {
    private PythonCataloger() {
    }

    static List<InstalledPackage> catalog(Rootfs fs) {
        List<InstalledPackage> out = new ArrayList<>();
        for (String f : fs.files(p -> p.endsWith(".dist-info/METADATA") || p.endsWith(".egg-info/PKG-INFO")
                || p.endsWith(".egg-info"))) {
            byte[] content = fs.read(f).orElse(null);
            if (content == null) {
                continue;
            }
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
            if (name != null && version != null) {
                String normalized = Ecosystem.PYPI.normalizeName(name);
                out.add(new InstalledPackage(Ecosystem.PYPI, normalized, version, null, null,
                        Purls.of("pypi", null, normalized, version), List.of(f), List.of()));
            }
        }
        return out;
    }
}
