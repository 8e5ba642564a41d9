package dev.kiln.vuln.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.vuln.VulnException;
import dev.kiln.vuln.match.Finding;
import dev.kiln.vuln.match.ScanReport;
import dev.kiln.vuln.match.Severity;
import dev.kiln.vuln.match.Suppressed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Renders scan reports as a terminal table, JSON and SARIF 2.1.0; findings sorted by severity, package, id. */
public final class ScanReports {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Comparator<Finding> ORDER = Comparator.comparing(Finding::severity)
            .thenComparing(f -> f.pkg().name())
            .thenComparing(Finding::id);

    private ScanReports() {}

    public static String table(ScanReport r) {
        StringBuilder sb = new StringBuilder();
        List<Finding> findings = r.findings().stream().sorted(ORDER).toList();
        int w1 = Math.max(
                7,
                findings.stream().mapToInt(f -> f.pkg().name().length()).max().orElse(0));
        int w2 = Math.max(
                9,
                findings.stream()
                        .mapToInt(f -> f.pkg().version().length())
                        .max()
                        .orElse(0));
        int w3 = Math.max(
                13, findings.stream().mapToInt(f -> f.id().length()).max().orElse(0));
        int w4 = Math.max(
                8,
                findings.stream()
                        .mapToInt(f -> f.severity().name().length())
                        .max()
                        .orElse(0));
        String fmt = "%-" + w1 + "s  %-" + w2 + "s  %-" + w3 + "s  %-" + w4 + "s  %s%n";
        sb.append(String.format(
                "%s: %d packages (%s), advisories as of %s%n",
                r.target(), r.packageCount(), distroName(r), r.feedUpdated() == null ? "unknown" : r.feedUpdated()));
        sb.append("sources: ")
                .append(r.sources().isEmpty() ? "none" : String.join(", ", r.sources()))
                .append('\n');
        r.warnings().forEach(w -> sb.append("WARNING: ").append(w).append('\n'));
        if (!findings.isEmpty()) {
            sb.append(String.format(fmt, "PACKAGE", "INSTALLED", "VULNERABILITY", "SEVERITY", "FIXED IN"));
            for (Finding f : findings) {
                sb.append(String.format(
                        fmt,
                        f.pkg().name(),
                        f.pkg().version(),
                        f.id(),
                        f.severity().name().toLowerCase(Locale.ROOT),
                        f.fixedVersion() != null ? f.fixedVersion() : "(" + f.state() + ")"));
            }
        }
        sb.append(counts(r)).append('\n');
        if (!r.suppressed().isEmpty()) {
            sb.append("suppressed: ");
            Map<Suppressed.Reason, Integer> byReason = new TreeMap<>();
            r.suppressed().forEach(s -> byReason.merge(s.reason(), 1, Integer::sum));
            sb.append(byReason).append('\n');
            for (Suppressed s : r.suppressed()) {
                if (s.reason() != Suppressed.Reason.NAK) {
                    sb.append(String.format(
                            "  %s %s %s: %s (%s)%n",
                            s.finding().pkg().name(),
                            s.finding().pkg().version(),
                            s.finding().id(),
                            s.reason().name().toLowerCase(Locale.ROOT),
                            s.detail()));
                }
            }
        }
        return sb.toString();
    }

    /** {@code ID VERSION_ID} from os-release ({@code debian 12}, {@code wolfi 20230201}), or "unknown distribution". */
    static String distroName(ScanReport r) {
        if (r.distro().id().isEmpty()) {
            return "unknown distribution";
        }
        return r.distro().versionId().isEmpty()
                ? r.distro().id()
                : r.distro().id() + " " + r.distro().versionId();
    }

    public static String counts(ScanReport r) {
        StringBuilder sb = new StringBuilder(r.findings().size() + " vulnerabilities:");
        r.countsBySeverity()
                .forEach((k, v) -> sb.append(' ')
                        .append(k.name().toLowerCase(Locale.ROOT))
                        .append(' ')
                        .append(v));
        return sb.toString();
    }

    public static byte[] json(ScanReport r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("target", r.target());
        n.put("distro", r.distro().id());
        n.put("distroVersion", r.distro().versionId());
        n.put("feedUpdated", r.feedUpdated() == null ? null : r.feedUpdated().toString());
        r.sources().forEach(n.putArray("sources")::add);
        ArrayNode warnings = n.putArray("warnings");
        r.warnings().forEach(warnings::add);
        n.put("packages", r.packageCount());
        ObjectNode counts = n.putObject("counts");
        r.countsBySeverity().forEach((k, v) -> counts.put(k.name().toLowerCase(Locale.ROOT), v));
        ArrayNode findings = n.putArray("findings");
        r.findings().stream().sorted(ORDER).forEach(f -> finding(findings.addObject(), f));
        ArrayNode suppressed = n.putArray("suppressed");
        for (Suppressed s : r.suppressed()) {
            ObjectNode o = suppressed.addObject();
            finding(o, s.finding());
            o.put("reason", s.reason().name().toLowerCase(Locale.ROOT));
            o.put("detail", s.detail());
        }
        return write(n);
    }

    private static void finding(ObjectNode o, Finding f) {
        o.put("id", f.id());
        f.aliases().forEach(o.withArray("aliases")::add);
        o.put("package", f.pkg().name());
        o.put("version", f.pkg().version());
        o.put("ecosystem", f.pkg().ecosystem().osvName());
        o.put("purl", f.pkg().purl());
        o.put("severity", f.severity().name().toLowerCase(Locale.ROOT));
        o.put("fixedVersion", f.fixedVersion());
        o.put("state", f.state());
        o.put("source", f.source());
        if (f.pkg().status() != null) {
            o.put("packageStatus", f.pkg().status());
        }
        f.pkg().evidence().forEach(o.withArray("evidence")::add);
    }

    /** SARIF 2.1.0: one rule per vulnerability id, one result per finding located at its evidence. */
    public static byte[] sarif(ScanReport r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        n.put("version", "2.1.0");
        ObjectNode run = n.putArray("runs").addObject();
        ObjectNode driver = run.putObject("tool").putObject("driver");
        driver.put("name", "kiln-scan");
        driver.put("informationUri", "https://kiln.dev");
        ArrayNode rules = driver.putArray("rules");
        ArrayNode results = run.putArray("results");
        List<Finding> findings = r.findings().stream().sorted(ORDER).toList();
        findings.stream().map(Finding::id).distinct().sorted().forEach(id -> {
            ObjectNode rule = rules.addObject();
            rule.put("id", id);
            rule.putObject("shortDescription").put("text", id);
        });
        for (Finding f : findings) {
            ObjectNode res = results.addObject();
            res.put("ruleId", f.id());
            res.put(
                    "level",
                    f.severity() == Severity.CRITICAL || f.severity() == Severity.HIGH
                            ? "error"
                            : f.severity() == Severity.MEDIUM ? "warning" : "note");
            res.putObject("message")
                    .put(
                            "text",
                            f.pkg().name() + " " + f.pkg().version() + " is affected by " + f.id()
                                    + (f.fixedVersion() != null ? "; fixed in " + f.fixedVersion() : "; " + f.state()));
            ArrayNode locations = res.putArray("locations");
            for (String e : f.pkg().evidenceFiles()) {
                locations
                        .addObject()
                        .putObject("physicalLocation")
                        .putObject("artifactLocation")
                        .put("uri", e);
            }
            res.putObject("properties")
                    .put("purl", f.pkg().purl())
                    .put("severity", f.severity().name().toLowerCase(Locale.ROOT));
        }
        return write(n);
    }

    private static byte[] write(ObjectNode n) {
        try {
            return (JSON.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new VulnException("cannot render report: " + e.getMessage(), e);
        }
    }
}
