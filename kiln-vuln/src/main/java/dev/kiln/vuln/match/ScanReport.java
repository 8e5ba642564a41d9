package dev.kiln.vuln.match;

import dev.kiln.vuln.inventory.OsRelease;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The result of matching one image: findings, suppressed matches with reasons, the feed time, the advisory
 * sources that applied to it ({@code sources}) and what the reader must know about its coverage
 * ({@code warnings}, e.g. that no source covers the image's distribution, so "0 vulnerabilities" means nothing).
 */
public record ScanReport(
        String target,
        OsRelease distro,
        @Nullable Instant feedUpdated,
        int packageCount,
        List<Finding> findings,
        List<Suppressed> suppressed,
        List<String> sources,
        List<String> warnings) {
    public ScanReport {
        findings = List.copyOf(findings);
        suppressed = List.copyOf(suppressed);
        sources = List.copyOf(sources);
        warnings = List.copyOf(warnings);
    }

    public ScanReport(
            String target,
            OsRelease distro,
            @Nullable Instant feedUpdated,
            int packageCount,
            List<Finding> findings,
            List<Suppressed> suppressed) {
        this(target, distro, feedUpdated, packageCount, findings, suppressed, List.of(), List.of());
    }

    public Map<Severity, Integer> countsBySeverity() {
        Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
        for (Severity s : Severity.values()) {
            counts.put(s, 0);
        }
        findings.forEach(f -> counts.merge(f.severity(), 1, Integer::sum));
        return counts;
    }

    /** True when some finding is at least {@code threshold} severe. */
    public boolean failsAt(Severity threshold) {
        return findings.stream().anyMatch(f -> f.severity().atLeast(threshold));
    }

    /** The distinct vulnerability ids reported, each finding by its primary id. */
    public List<String> ids() {
        return findings.stream().map(Finding::id).distinct().sorted().toList();
    }
}
