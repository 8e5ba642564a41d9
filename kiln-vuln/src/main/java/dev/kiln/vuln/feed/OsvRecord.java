package dev.kiln.vuln.feed;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** An OSV record (ossf/osv-schema), the fields the scanner and the publisher use. */
public record OsvRecord(
        String id,
        Instant modified,
        @Nullable Instant published,
        @Nullable Instant withdrawn,
        List<String> aliases,
        List<String> upstream,
        @Nullable String summary,
        @Nullable String details,
        List<Severity> severity,
        List<Affected> affected,
        Map<String, Object> databaseSpecific) {

    public OsvRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(modified, "modified");
        aliases = List.copyOf(aliases);
        upstream = List.copyOf(upstream);
        severity = List.copyOf(severity);
        affected = List.copyOf(affected);
        databaseSpecific = databaseSpecific == null ? Map.of() : Map.copyOf(databaseSpecific);
    }

    public record Severity(String type, String score) {}

    /** One affected package; {@code ecosystemSpecific} carries e.g. the latest advisory status. */
    public record Affected(
            String ecosystem,
            String name,
            @Nullable String purl,
            List<Range> ranges,
            List<String> versions,
            Map<String, Object> ecosystemSpecific,
            Map<String, Object> databaseSpecific) {
        public Affected {
            Objects.requireNonNull(ecosystem, "ecosystem");
            Objects.requireNonNull(name, "name");
            ranges = List.copyOf(ranges);
            versions = List.copyOf(versions);
            ecosystemSpecific = ecosystemSpecific == null ? Map.of() : Map.copyOf(ecosystemSpecific);
            databaseSpecific = databaseSpecific == null ? Map.of() : Map.copyOf(databaseSpecific);
        }
    }

    /** A range of type {@code SEMVER}, {@code ECOSYSTEM} or {@code GIT} ({@code repo} only for GIT). */
    public record Range(String type, @Nullable String repo, List<Event> events) {
        public Range {
            events = List.copyOf(events);
        }
    }

    public record Event(Kind kind, String version) {
        public enum Kind {
            INTRODUCED("introduced"),
            FIXED("fixed"),
            LAST_AFFECTED("last_affected"),
            LIMIT("limit");

            private final String field;

            Kind(String field) {
                this.field = field;
            }

            public String field() {
                return field;
            }
        }
    }

    /** Every id this record is known by: its id, aliases and upstream ids. */
    public List<String> allIds() {
        java.util.LinkedHashSet<String> ids = new java.util.LinkedHashSet<>();
        ids.add(id);
        ids.addAll(aliases);
        ids.addAll(upstream);
        return List.copyOf(ids);
    }
}
