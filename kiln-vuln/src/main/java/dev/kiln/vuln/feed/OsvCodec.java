package dev.kiln.vuln.feed;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.vuln.VulnException;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Reads and writes OSV JSON; a file holds one record or a list of records. */
public final class OsvCodec {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private OsvCodec() {}

    public static List<OsvRecord> parse(byte[] json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new VulnException(source + ": not valid JSON: " + e.getMessage(), e);
        }
        List<OsvRecord> out = new ArrayList<>();
        if (root != null && root.isArray()) {
            for (int i = 0; i < root.size(); i++) {
                out.add(record(root.get(i), source + "[" + i + "]"));
            }
        } else {
            out.add(record(root, source));
        }
        return out;
    }

    private static OsvRecord record(JsonNode n, String source) {
        if (n == null || !n.isObject()) {
            throw new VulnException(source + ": expected an OSV record object");
        }
        String id = text(n, "id", source);
        Instant modified = time(n, "modified", source);
        List<OsvRecord.Affected> affected = new ArrayList<>();
        for (JsonNode a : n.path("affected")) {
            JsonNode pkg = a.path("package");
            String where = source + " (" + id + ") affected[" + affected.size() + "]";
            List<OsvRecord.Range> ranges = new ArrayList<>();
            for (JsonNode r : a.path("ranges")) {
                String type = text(r, "type", where + " range");
                if ("GIT".equals(type) && !r.hasNonNull("repo")) {
                    throw new VulnException(where + ": GIT range without 'repo'");
                }
                List<OsvRecord.Event> events = new ArrayList<>();
                for (JsonNode e : r.path("events")) {
                    OsvRecord.Event event = null;
                    for (OsvRecord.Event.Kind k : OsvRecord.Event.Kind.values()) {
                        if (e.hasNonNull(k.field())) {
                            if (event != null) {
                                throw new VulnException(where + ": a range event must have exactly one of"
                                        + " introduced/fixed/last_affected/limit, found " + e);
                            }
                            event = new OsvRecord.Event(k, e.get(k.field()).asText());
                        }
                    }
                    if (event == null) {
                        throw new VulnException(
                                where + ": range event without introduced/fixed/last_affected/limit: " + e);
                    }
                    events.add(event);
                }
                ranges.add(new OsvRecord.Range(type, r.path("repo").asText(null), events));
            }
            affected.add(new OsvRecord.Affected(
                    text(pkg, "ecosystem", where + " package"),
                    text(pkg, "name", where + " package"),
                    pkg.path("purl").asText(null),
                    ranges,
                    strings(a.path("versions")),
                    map(a.path("ecosystem_specific")),
                    map(a.path("database_specific"))));
        }
        List<OsvRecord.Severity> severity = new ArrayList<>();
        for (JsonNode s : n.path("severity")) {
            severity.add(new OsvRecord.Severity(
                    s.path("type").asText(""), s.path("score").asText("")));
        }
        return new OsvRecord(
                id,
                modified,
                optionalTime(n, "published", source),
                optionalTime(n, "withdrawn", source),
                strings(n.path("aliases")),
                strings(n.path("upstream")),
                n.path("summary").asText(null),
                n.path("details").asText(null),
                severity,
                affected,
                map(n.path("database_specific")));
    }

    public static byte[] toJson(OsvRecord r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("schema_version", "1.7.0");
        n.put("id", r.id());
        n.put("modified", r.modified().toString());
        if (r.published() != null) {
            n.put("published", r.published().toString());
        }
        if (r.withdrawn() != null) {
            n.put("withdrawn", r.withdrawn().toString());
        }
        if (!r.aliases().isEmpty()) {
            r.aliases().forEach(n.putArray("aliases")::add);
        }
        if (!r.upstream().isEmpty()) {
            r.upstream().forEach(n.putArray("upstream")::add);
        }
        if (r.summary() != null) {
            n.put("summary", r.summary());
        }
        if (r.details() != null) {
            n.put("details", r.details());
        }
        if (!r.severity().isEmpty()) {
            ArrayNode sev = n.putArray("severity");
            r.severity().forEach(s -> sev.addObject().put("type", s.type()).put("score", s.score()));
        }
        ArrayNode affected = n.putArray("affected");
        for (OsvRecord.Affected a : r.affected()) {
            ObjectNode an = affected.addObject();
            ObjectNode pkg = an.putObject("package");
            pkg.put("ecosystem", a.ecosystem());
            pkg.put("name", a.name());
            if (a.purl() != null) {
                pkg.put("purl", a.purl());
            }
            ArrayNode ranges = an.putArray("ranges");
            for (OsvRecord.Range range : a.ranges()) {
                ObjectNode rn = ranges.addObject();
                rn.put("type", range.type());
                if (range.repo() != null) {
                    rn.put("repo", range.repo());
                }
                ArrayNode events = rn.putArray("events");
                range.events().forEach(e -> events.addObject().put(e.kind().field(), e.version()));
            }
            if (!a.versions().isEmpty()) {
                a.versions().forEach(an.putArray("versions")::add);
            }
            if (!a.ecosystemSpecific().isEmpty()) {
                an.set("ecosystem_specific", JSON.valueToTree(a.ecosystemSpecific()));
            }
            if (!a.databaseSpecific().isEmpty()) {
                an.set("database_specific", JSON.valueToTree(a.databaseSpecific()));
            }
        }
        if (!r.databaseSpecific().isEmpty()) {
            n.set("database_specific", JSON.valueToTree(r.databaseSpecific()));
        }
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new VulnException("cannot render OSV record " + r.id() + ": " + e.getMessage(), e);
        }
    }

    /** The non-empty string {@code field}; a required field that is missing or not one is an error. */
    private static String text(JsonNode n, String field, String where) {
        String t = optionalText(n, field);
        if (t == null) {
            throw new VulnException(
                    where + ": field '" + field + "' must be a non-empty string, found " + n.get(field));
        }
        return t;
    }

    /** The non-empty string {@code field}, or null when it is missing or not one. */
    private static @Nullable String optionalText(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || !v.isTextual() || v.asText().isEmpty() ? null : v.asText();
    }

    private static Instant time(JsonNode n, String field, String where) {
        return parseTime(text(n, field, where), field, where);
    }

    private static @Nullable Instant optionalTime(JsonNode n, String field, String where) {
        String t = optionalText(n, field);
        return t == null ? null : parseTime(t, field, where);
    }

    private static Instant parseTime(String t, String field, String where) {
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            throw new VulnException(where + ": field '" + field + "' must be an RFC 3339 time, found '" + t + "'", e);
        }
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(x -> out.add(x.asText()));
        return out;
    }

    private static Map<String, Object> map(JsonNode n) {
        return n.isObject() ? JSON.convertValue(n, new TypeReference<Map<String, Object>>() {}) : Map.of();
    }
}
