package dev.kiln.vuln.internal;

import dev.kiln.content.Problem;
import dev.kiln.content.yaml.YamlNode;
import dev.kiln.content.yaml.YamlSyntaxException;
import dev.kiln.content.yaml.YamlTree;
import dev.kiln.vuln.Advisory;
import dev.kiln.vuln.AdvisoryDocument;
import dev.kiln.vuln.AdvisoryEvent;
import dev.kiln.vuln.EventData;
import dev.kiln.vuln.EventType;
import dev.kiln.vuln.FalsePositiveType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Strict decoder of advisory documents over the tree that {@link YamlTree#composeFast} composes (the
 * block-style fast path first, SnakeYAML behind it), so that every problem is reported with its line.
 * It collects all problems of a file instead of stopping at the first; the caller decides what to do
 * with them. It also records where each advisory sits in the text, for minimal edits.
 */
public final class AdvisoryYaml {
    /** How YamlTree starts a parser's message; this decoder words it as it always has. */
    private static final String INVALID = "invalid YAML: ";

    private static final Pattern FIXED_VERSION = Pattern.compile("^\\S+-r[0-9]+$");
    private static final Pattern ALIAS = Pattern.compile("^[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9._:-]+$");
    private static final Duration FUTURE_TOLERANCE = Duration.ofHours(2);
    private static final Set<String> TOP_KEYS = Set.of("schema-version", "package", "advisories");
    private static final Set<String> ADVISORY_KEYS = Set.of("id", "aliases", "events");
    private static final Set<String> EVENT_KEYS = Set.of("timestamp", "type", "data");
    private static final List<String> SCAN_KEYS = List.of(
            "subpackageName",
            "componentID",
            "componentName",
            "componentVersion",
            "componentType",
            "componentLocation",
            "scanner");
    private static final List<String> NVD_KEYS = List.of("cpeSearched", "cpeFound");

    /** Where an advisory is in the text: 0-based first and last content lines, and the events' item column. */
    public record AdvisorySpan(
            String id, int firstLine, int lastLine, int lastEventFirstLine, int eventColumn, int advisoryColumn) {}

    /** The decoded document (null when problems were found), the problems, and the advisories' spans. */
    public record Result(
            @Nullable AdvisoryDocument document,
            List<String> problems,
            List<String> warnings,
            List<AdvisorySpan> spans) {}

    private final String source;
    private final Clock clock;
    private final List<String> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<AdvisorySpan> spans = new ArrayList<>();
    private final int[] lineStarts;

    private AdvisoryYaml(String text, String source, Clock clock) {
        this.source = source;
        this.clock = clock;
        this.lineStarts = lineStarts(text);
    }

    public static Result decode(String text, String source, Clock clock) {
        AdvisoryYaml d = new AdvisoryYaml(text, source, clock);
        AdvisoryDocument doc = d.decode(text);
        return new Result(
                d.problems.isEmpty() ? doc : null,
                List.copyOf(d.problems),
                List.copyOf(d.warnings),
                List.copyOf(d.spans));
    }

    private @Nullable AdvisoryDocument decode(String text) {
        @Nullable YamlNode root;
        try {
            root = YamlTree.composeFast(source, text);
        } catch (YamlSyntaxException e) {
            Problem p = e.problem();
            String what = p.message().startsWith(INVALID) ? p.message().substring(INVALID.length()) : p.message();
            problem(p.line(), "not valid YAML: " + what);
            return null;
        }
        if (!(root instanceof YamlNode.Mapping top)) {
            problem(root == null ? 0 : line(root), "expected a mapping with schema-version, package and advisories");
            return null;
        }
        Map<String, YamlNode> fields = fields(top, TOP_KEYS, "document");
        String schema = requiredScalar(top, fields, "schema-version");
        if (schema != null) {
            checkSchemaVersion(schema, present(fields, "schema-version"));
        }
        @Nullable String name = null;
        YamlNode pkg = fields.get("package");
        if (pkg == null) {
            problem(line(top), "missing field 'package'");
        } else if (pkg instanceof YamlNode.Mapping pm) {
            name = requiredScalar(pm, fields(pm, Set.of("name"), "package"), "name");
        } else {
            problem(line(pkg), "field 'package': expected a mapping with 'name'");
        }
        List<Advisory> advisories = new ArrayList<>();
        YamlNode adv = fields.get("advisories");
        if (adv == null) {
            problem(line(top), "missing field 'advisories'");
        } else if (adv instanceof YamlNode.Sequence seq) {
            if (seq.items().isEmpty()) {
                problem(line(seq), "field 'advisories': expected at least one advisory");
            }
            for (YamlNode n : seq.items()) {
                Advisory a = advisory(n);
                if (a != null) {
                    advisories.add(a);
                }
            }
            checkUniqueAndSorted(advisories, seq);
        } else {
            problem(line(adv), "field 'advisories': expected a list");
        }
        if (!problems.isEmpty()) {
            return null;
        }
        // no problems means requiredScalar found both
        return new AdvisoryDocument(
                Objects.requireNonNull(schema, "schema-version"),
                Objects.requireNonNull(name, "package name"),
                advisories);
    }

    private void checkSchemaVersion(String schema, YamlNode node) {
        String[] parts = schema.split("\\.", -1);
        int[] v = new int[3];
        try {
            if (parts.length > 3) {
                throw new NumberFormatException();
            }
            for (int i = 0; i < parts.length; i++) {
                v[i] = Integer.parseInt(parts[i]);
            }
        } catch (NumberFormatException e) {
            problem(line(node), "field 'schema-version': expected MAJOR[.MINOR[.PATCH]], found '" + schema + "'");
            return;
        }
        if (v[0] != 2) {
            problem(line(node), "field 'schema-version': major version must be 2, found '" + schema + "'");
        } else if (v[1] > 0 || v[2] > 2) {
            problem(
                    line(node),
                    "field 'schema-version': '" + schema + "' is newer than the supported "
                            + AdvisoryDocument.SCHEMA_VERSION);
        }
    }

    private void checkUniqueAndSorted(List<Advisory> advisories, YamlNode.Sequence seq) {
        Map<String, String> seen = new HashMap<>();
        @Nullable String previous = null;
        for (int i = 0; i < advisories.size(); i++) {
            Advisory a = advisories.get(i);
            int at = line(seq.items().get(Math.min(i, seq.items().size() - 1)));
            // The published corpus has unsorted files, so order is a warning; a repeated id is an error.
            if (previous != null && previous.compareTo(a.id()) > 0) {
                warnings.add(source + ":" + at + ": advisory " + a.id() + ": advisories should be sorted by id, but it"
                        + " follows " + previous);
            }
            if (!seen.containsKey("id:" + a.id())) {
                seen.put("id:" + a.id(), a.id());
            } else {
                problem(at, "advisory " + a.id() + ": id is used by two advisories");
            }
            previous = a.id();
            for (String alias : a.aliases()) {
                String other = seen.putIfAbsent(alias, a.id());
                if (other != null) {
                    problem(at, "advisory " + a.id() + ": alias " + alias + " is also listed by advisory " + other);
                }
            }
        }
    }

    private @Nullable Advisory advisory(YamlNode node) {
        if (!(node instanceof YamlNode.Mapping m)) {
            problem(line(node), "advisory: expected a mapping with id, aliases and events");
            return null;
        }
        int before = problems.size();
        Map<String, YamlNode> f = fields(m, ADVISORY_KEYS, "advisory");
        String id = requiredScalar(m, f, "id");
        String where = "advisory " + (id == null ? "?" : id);
        if (id != null && !Advisory.ID.matcher(id).matches()) {
            problem(
                    line(present(f, "id")),
                    where + ": field 'id' must match " + Advisory.ID.pattern() + ", found '" + id + "'");
        }
        List<String> aliases = new ArrayList<>();
        YamlNode an = f.get("aliases");
        if (an instanceof YamlNode.Sequence as) {
            for (YamlNode x : as.items()) {
                String alias = scalar(x, where + ": alias");
                if (alias == null) {
                    continue;
                }
                if (!ALIAS.matcher(alias).matches()) {
                    problem(line(x), where + ": alias '" + alias + "' is not a vulnerability id (e.g. CVE-2024-1234)");
                } else if (aliases.contains(alias)) {
                    problem(line(x), where + ": alias " + alias + " is listed twice");
                } else {
                    aliases.add(alias);
                }
            }
        } else if (an != null) {
            problem(line(an), where + ": field 'aliases': expected a list of ids");
        }
        List<AdvisoryEvent> events = new ArrayList<>();
        YamlNode en = f.get("events");
        int lastEventLine = line(m) - 1;
        int eventColumn = -1;
        if (en instanceof YamlNode.Sequence es) {
            @Nullable Instant previous = null;
            for (YamlNode x : es.items()) {
                AdvisoryEvent e = event(x, where);
                lastEventLine = line(x) - 1;
                eventColumn = x.location().column() - 1;
                if (e == null) {
                    continue;
                }
                if (previous != null && e.timestamp().isBefore(previous)) {
                    warnings.add(source + ":" + line(x) + ": " + where + ": events should be ordered by timestamp,"
                            + " but " + e.timestamp() + " follows " + previous);
                }
                previous = e.timestamp();
                events.add(e);
            }
        } else if (en != null) {
            problem(line(en), where + ": field 'events': expected a list");
        }
        // the editor uses spans only of documents without problems, where every advisory has its id
        if (id != null) {
            spans.add(new AdvisorySpan(
                    id,
                    line(m) - 1,
                    lastContentLine(m),
                    lastEventLine,
                    eventColumn,
                    m.location().column() - 1));
        }
        // no new problem means requiredScalar found the id
        return problems.size() == before
                ? new Advisory(Objects.requireNonNull(id, "advisory id"), aliases, events)
                : null;
    }

    private @Nullable AdvisoryEvent event(YamlNode node, String where) {
        if (!(node instanceof YamlNode.Mapping m)) {
            problem(line(node), where + ": event: expected a mapping with timestamp, type and data");
            return null;
        }
        Map<String, YamlNode> f = fields(m, EVENT_KEYS, where + ": event");
        String ts = requiredScalar(m, f, "timestamp");
        String typeName = requiredScalar(m, f, "type");
        @Nullable Instant at = null;
        if (ts != null) {
            try {
                at = OffsetDateTime.parse(ts).toInstant();
                if (at.isAfter(clock.instant().plus(FUTURE_TOLERANCE))) {
                    problem(
                            line(present(f, "timestamp")),
                            where + ": event timestamp " + ts + " is more than two hours in the future");
                }
            } catch (DateTimeParseException e) {
                problem(
                        line(present(f, "timestamp")),
                        where + ": event timestamp: expected RFC 3339 (e.g. " + "2024-07-31T07:29:00Z), found '" + ts
                                + "'");
            }
        }
        if (typeName == null) {
            return null;
        }
        EventType type = EventType.ofWireName(typeName).orElse(null);
        if (type == null) {
            problem(
                    line(present(f, "type")),
                    where + ": unknown event type '" + typeName + "', expected one of "
                            + java.util.Arrays.stream(EventType.values())
                                    .map(EventType::wireName)
                                    .toList());
            return null;
        }
        EventData data = data(type, f.get("data"), m, where + ": " + typeName + " event");
        return at == null || data == null ? null : new AdvisoryEvent(at, type, data);
    }

    private @Nullable EventData data(EventType type, @Nullable YamlNode node, YamlNode event, String where) {
        if (node == null
                && type != EventType.DETECTION
                && type != EventType.FIXED
                && type != EventType.FALSE_POSITIVE_DETERMINATION) {
            return new EventData.Note(null);
        }
        if (!(node instanceof YamlNode.Mapping m)) {
            problem(line(node == null ? event : node), where + ": field 'data': expected a mapping");
            return null;
        }
        switch (type) {
            case DETECTION -> {
                Map<String, YamlNode> f = fields(m, Set.of("type", "data"), where + " data");
                String kind = requiredScalar(m, f, "type");
                if (kind == null) {
                    return null;
                }
                List<String> keys = switch (kind) {
                    case "manual" -> List.of();
                    case "nvdapi" -> NVD_KEYS;
                    case "scan/v1" -> SCAN_KEYS;
                    default -> null;
                };
                if (keys == null) {
                    problem(
                            line(present(f, "type")),
                            where + ": detection type must be manual, nvdapi or scan/v1, found '" + kind + "'");
                    return null;
                }
                Map<String, String> details = new LinkedHashMap<>();
                YamlNode inner = f.get("data");
                if (keys.isEmpty()) {
                    if (inner != null) {
                        problem(line(inner), where + ": manual detection takes no 'data'");
                    }
                } else if (inner instanceof YamlNode.Mapping im) {
                    Map<String, YamlNode> g = fields(im, Set.copyOf(keys), where + " " + kind + " data");
                    for (String k : keys) {
                        String v = requiredScalar(im, g, k);
                        if (v != null) {
                            details.put(k, v);
                        }
                    }
                } else {
                    problem(
                            line(inner == null ? m : inner),
                            where + ": " + kind + " detection needs a 'data' mapping" + " with " + keys);
                }
                return new EventData.Detection(kind, details);
            }
            case FIXED -> {
                Map<String, YamlNode> f = fields(m, Set.of("fixed-version"), where + " data");
                String v = requiredScalar(m, f, "fixed-version");
                if (v != null && !FIXED_VERSION.matcher(v).matches()) {
                    problem(
                            line(present(f, "fixed-version")),
                            where + ": fixed-version must be a package version with its"
                                    + " revision (VERSION-rN), found '" + v + "'");
                    return null;
                }
                return v == null ? null : new EventData.Fixed(v);
            }
            case FALSE_POSITIVE_DETERMINATION -> {
                Map<String, YamlNode> f = fields(m, Set.of("type", "note"), where + " data");
                String t = requiredScalar(m, f, "type");
                String note = f.containsKey("note") ? scalar(f.get("note"), where + ": note") : null;
                if (t == null) {
                    return null;
                }
                FalsePositiveType fp = FalsePositiveType.ofWireName(t).orElse(null);
                if (fp == null) {
                    problem(
                            line(present(f, "type")),
                            where + ": unknown false-positive type '" + t + "', expected one of "
                                    + java.util.Arrays.stream(FalsePositiveType.values())
                                            .map(FalsePositiveType::wireName)
                                            .toList());
                    return null;
                }
                return new EventData.FalsePositive(fp, note);
            }
            default -> {
                Map<String, YamlNode> f = fields(m, Set.of("note"), where + " data");
                return new EventData.Note(f.containsKey("note") ? scalar(f.get("note"), where + ": note") : null);
            }
        }
    }

    private Map<String, YamlNode> fields(YamlNode.Mapping m, Set<String> allowed, String where) {
        Map<String, YamlNode> out = new LinkedHashMap<>();
        for (YamlNode.Entry e : m.entries()) {
            String key = e.key() instanceof YamlNode.Scalar s ? s.value() : null;
            if (key == null || !allowed.contains(key)) {
                problem(
                        line(e.key()),
                        where + ": unknown field '" + key + "', expected one of " + new java.util.TreeSet<>(allowed));
                continue;
            }
            // the tree keeps repeated keys for its reader to report
            if (out.containsKey(key)) {
                problem(line(e.key()), where + ": field '" + key + "' is given twice");
                continue;
            }
            out.put(key, e.value());
        }
        return out;
    }

    private @Nullable String requiredScalar(YamlNode.Mapping m, Map<String, YamlNode> f, String key) {
        YamlNode n = f.get(key);
        if (n == null) {
            problem(line(m), "missing field '" + key + "'");
            return null;
        }
        return scalar(n, "field '" + key + "'");
    }

    private @Nullable String scalar(YamlNode n, String what) {
        if (n instanceof YamlNode.Scalar s && !s.value().isEmpty()) {
            return s.value();
        }
        problem(line(n), what + ": expected a non-empty string");
        return null;
    }

    /** The node of a field that requiredScalar already found, for the line of a later problem. */
    private static YamlNode present(Map<String, YamlNode> f, String key) {
        return Objects.requireNonNull(f.get(key), key);
    }

    /**
     * The 0-based last line that holds text of {@code n}: where its last scalar ends, a block scalar ending just
     * after its last line break. One line lookup per advisory, for the scalar that ends last.
     */
    private int lastContentLine(YamlNode n) {
        int end = lastEnd(n);
        int endLine = lineOf(end);
        return Math.max(n.location().line() - 1, end == lineStarts[endLine] ? endLine - 1 : endLine);
    }

    private static int lastEnd(YamlNode n) {
        int max = n.location().start();
        if (n instanceof YamlNode.Scalar s) {
            max = Math.max(max, s.location().end());
        } else if (n instanceof YamlNode.Mapping m) {
            for (YamlNode.Entry e : m.entries()) {
                max = Math.max(max, lastEnd(e.value()));
            }
        } else if (n instanceof YamlNode.Sequence q) {
            for (YamlNode x : q.items()) {
                max = Math.max(max, lastEnd(x));
            }
        }
        return max;
    }

    /** The 0-based line of text offset {@code offset}. */
    private int lineOf(int offset) {
        int i = java.util.Arrays.binarySearch(lineStarts, offset);
        return i >= 0 ? i : -i - 2;
    }

    /** The offset of each line's first character. */
    private static int[] lineStarts(String text) {
        int[] starts = new int[Math.max(16, text.length() / 32)];
        int n = 1;
        for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
            if (n == starts.length) {
                starts = java.util.Arrays.copyOf(starts, n * 2);
            }
            starts[n++] = i + 1;
        }
        return java.util.Arrays.copyOf(starts, n);
    }

    private static int line(YamlNode n) {
        return n.location().line();
    }

    private void problem(int line, String message) {
        problems.add(source + ":" + line + ": " + message);
    }
}
