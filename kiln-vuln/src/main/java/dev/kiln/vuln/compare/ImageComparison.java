package dev.kiln.vuln.compare;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kiln.content.ByteSizes;
import dev.kiln.vuln.VulnException;
import dev.kiln.vuln.match.Severity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Two nutrition labels side by side, rendered as a terminal table, Markdown or JSON. {@code now} dates the
 * package ages, so the same inputs render the same text.
 */
public record ImageComparison(ImageFacts a, ImageFacts b, Instant now) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** {@code b}'s size as a fraction of {@code a}'s (uncompressed; compressed when both are known). */
    public double sizeRatio(boolean compressed) {
        long x = compressed ? a.compressedSize() : a.uncompressedSize();
        long y = compressed ? b.compressedSize() : b.uncompressedSize();
        return x <= 0 || y < 0 ? Double.NaN : (double) y / x;
    }

    /** Row label, A's cell, B's cell; the same rows for every rendering. */
    public List<String[]> rows() {
        List<String[]> rows = new ArrayList<>();
        rows.add(row("platform", orDash(a.platform()), orDash(b.platform())));
        rows.add(row("compressed size", size(a.compressedSize()), size(b.compressedSize()) + ratio(sizeRatio(true))));
        rows.add(row(
                "uncompressed size", size(a.uncompressedSize()), size(b.uncompressedSize()) + ratio(sizeRatio(false))));
        rows.add(row("layers", Integer.toString(a.layers()), Integer.toString(b.layers())));
        rows.add(row("files", Integer.toString(a.files()), Integer.toString(b.files())));
        rows.add(row(
                "setuid/setgid files",
                Integer.toString(a.setuidFiles().size()),
                Integer.toString(b.setuidFiles().size())));
        rows.add(row("packages", packages(a), packages(b)));
        rows.add(row("CVEs", Integer.toString(a.cveTotal()), Integer.toString(b.cveTotal())));
        for (Severity s : Severity.values()) {
            rows.add(row(
                    "  " + s.name().toLowerCase(Locale.ROOT),
                    Integer.toString(a.cves().getOrDefault(s, 0)),
                    Integer.toString(b.cves().getOrDefault(s, 0))));
        }
        rows.add(row("shell", list(a.shells()), list(b.shells())));
        rows.add(row("package manager", list(a.packageManagers()), list(b.packageManagers())));
        rows.add(row("user", user(a), user(b)));
        rows.add(row("newest package", age(a.newest()), age(b.newest())));
        rows.add(row("oldest package", age(a.oldest()), age(b.oldest())));
        return rows;
    }

    public String table() {
        List<String[]> rows = new ArrayList<>();
        rows.add(row("", a.name(), b.name()));
        rows.addAll(rows());
        int[] w = new int[3];
        for (String[] r : rows) {
            for (int i = 0; i < 3; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            sb.append(String.format("%-" + w[0] + "s  %-" + w[1] + "s  %s", r[0], r[1], r[2])
                            .stripTrailing())
                    .append('\n');
        }
        return sb.toString();
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| | ")
                .append(cell(a.name()))
                .append(" | ")
                .append(cell(b.name()))
                .append(" |\n|---|---|---|\n");
        for (String[] r : rows()) {
            sb.append("| ")
                    .append(cell(r[0].strip()))
                    .append(" | ")
                    .append(cell(r[1]))
                    .append(" | ")
                    .append(cell(r[2]))
                    .append(" |\n");
        }
        return sb.toString();
    }

    public byte[] json() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("a", facts(a));
        doc.put("b", facts(b));
        Map<String, Object> ratio = new LinkedHashMap<>();
        ratio.put("compressed", finite(sizeRatio(true)));
        ratio.put("uncompressed", finite(sizeRatio(false)));
        doc.put("sizeRatio", ratio);
        doc.put("at", now.toString());
        try {
            return JSON.writeValueAsBytes(doc);
        } catch (JsonProcessingException e) {
            throw new VulnException("cannot render comparison as JSON: " + e.getMessage(), e);
        }
    }

    public String jsonText() {
        return new String(json(), StandardCharsets.UTF_8);
    }

    private Map<String, Object> facts(ImageFacts f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", f.name());
        m.put("platform", f.platform());
        m.put("compressedSize", f.compressedSize() < 0 ? null : f.compressedSize());
        m.put("uncompressedSize", f.uncompressedSize());
        m.put("layers", f.layers());
        m.put("files", f.files());
        m.put("setuidFiles", f.setuidFiles());
        m.put("packages", f.packages());
        m.put("osPackages", f.osPackages());
        Map<String, Integer> cves = new LinkedHashMap<>();
        cves.put("total", f.cveTotal());
        for (Severity s : Severity.values()) {
            cves.put(s.name().toLowerCase(Locale.ROOT), f.cves().getOrDefault(s, 0));
        }
        m.put("cves", cves);
        m.put("shells", f.shells());
        m.put("packageManagers", f.packageManagers());
        m.put("user", f.user());
        m.put("root", f.runsAsRoot().orElse(null));
        m.put("newestPackage", ageJson(f.newest()));
        m.put("oldestPackage", ageJson(f.oldest()));
        return m;
    }

    private @Nullable Map<String, Object> ageJson(ImageFacts.@Nullable PackageAge p) {
        if (p == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.name());
        m.put("version", p.version());
        m.put("built", p.built().toString());
        m.put("ageDays", days(p.built()));
        m.put("ageHours", Duration.between(p.built(), now).toHours());
        return m;
    }

    private long days(Instant t) {
        return Duration.between(t, now).toDays();
    }

    private String age(ImageFacts.@Nullable PackageAge p) {
        return p == null
                ? "-"
                : "built " + Age.ago(p.built(), now) + " (" + p.name() + " " + p.version() + ", "
                        + p.built().toString().substring(0, 10) + ")";
    }

    private static String packages(ImageFacts f) {
        return f.packages() == f.osPackages()
                ? Integer.toString(f.packages())
                : f.packages() + " (" + f.osPackages() + " OS)";
    }

    private static String user(ImageFacts f) {
        String u = f.user();
        if (u == null) {
            return "unknown"; // no config to say
        }
        return (u.isEmpty() ? "(none)" : u) + (f.runsAsRoot().orElse(false) ? " — root" : " — not root");
    }

    private static String list(List<String> items) {
        return items.isEmpty() ? "no" : "yes (" + String.join(", ", items) + ")";
    }

    static String size(long bytes) {
        return bytes < 0 ? "-" : ByteSizes.format(bytes);
    }

    private static String ratio(double r) {
        if (Double.isNaN(r)) {
            return "";
        }
        // a Kiln image is often thousands of times smaller: "0.00x" would say nothing
        return r >= 0.1
                ? String.format(Locale.ROOT, " (%.2fx)", r)
                : String.format(Locale.ROOT, " (1/%,dx)", Math.round(1 / r));
    }

    private static @Nullable Double finite(double d) {
        return Double.isNaN(d) ? null : d;
    }

    private static String orDash(@Nullable String s) {
        return s == null ? "-" : s;
    }

    private static String cell(String s) {
        return s.replace("|", "\\|");
    }

    private static String[] row(String label, String x, String y) {
        return new String[] {label, x, y};
    }
}
