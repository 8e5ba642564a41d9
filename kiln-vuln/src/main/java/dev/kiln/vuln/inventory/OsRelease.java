package dev.kiln.vuln.inventory;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The fields of {@code /etc/os-release} that matching and purls use. */
public record OsRelease(String id, String versionId, String name, String prettyName, String idLike) {
    public static final OsRelease UNKNOWN = new OsRelease("", "", "", "", "");

    public static OsRelease parse(byte[] content) {
        Map<String, String> f = new LinkedHashMap<>();
        for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (line.startsWith("#") || eq <= 0) {
                continue;
            }
            String v = line.substring(eq + 1).trim();
            if (v.length() >= 2
                    && ((v.startsWith("\"") && v.endsWith("\"")) || (v.startsWith("'") && v.endsWith("'")))) {
                v = v.substring(1, v.length() - 1);
            }
            f.put(line.substring(0, eq).trim(), v);
        }
        return new OsRelease(
                f.getOrDefault("ID", ""),
                f.getOrDefault("VERSION_ID", ""),
                f.getOrDefault("NAME", ""),
                f.getOrDefault("PRETTY_NAME", ""),
                f.getOrDefault("ID_LIKE", ""));
    }
}
