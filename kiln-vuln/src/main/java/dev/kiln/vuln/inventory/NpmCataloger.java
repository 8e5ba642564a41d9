package dev.kiln.vuln.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.vuln.version.Ecosystem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Installed npm packages: {@code package.json} directly under a {@code node_modules} directory
 * ({@code node_modules/NAME/} or {@code node_modules/@SCOPE/NAME/}). Lock files are ignored: they name
 * packages that may not be installed (acceptance case false-positives-from-lock-files).
 */
final class NpmCataloger {
    private static final ObjectMapper JSON = new ObjectMapper();

    private NpmCataloger() {}

    static List<InventoryPackage> catalog(Rootfs fs) {
        List<InventoryPackage> out = new ArrayList<>();
        for (String f : fs.files(NpmCataloger::isPackageRoot)) {
            byte[] content = fs.read(f).orElse(null);
            if (content == null) {
                continue;
            }
            JsonNode n;
            try {
                n = JSON.readTree(content);
            } catch (IOException e) {
                continue; // a broken package.json is not a package
            }
            String name = n == null ? "" : n.path("name").asText("");
            String version = n == null ? "" : n.path("version").asText("");
            if (name.isEmpty() || version.isEmpty()) {
                continue;
            }
            String ns = name.startsWith("@") && name.contains("/") ? name.substring(0, name.indexOf('/')) : null;
            String local = ns == null ? name : name.substring(name.indexOf('/') + 1);
            out.add(new InventoryPackage(
                    Ecosystem.NPM,
                    name,
                    version,
                    name, // a language package is its own origin
                    null,
                    Purls.of("npm", ns, local, version),
                    List.of(f),
                    List.of()));
        }
        return out;
    }

    private static boolean isPackageRoot(String p) {
        if (!p.endsWith("/package.json")) {
            return false;
        }
        String[] parts = p.split("/");
        int n = parts.length;
        return (n >= 3 && parts[n - 3].equals("node_modules"))
                || (n >= 4 && parts[n - 4].equals("node_modules") && parts[n - 3].startsWith("@"));
    }
}
