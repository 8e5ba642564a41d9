package dev.kiln.vuln.match;

import dev.kiln.vuln.feed.OsvRecord;
import dev.kiln.vuln.inventory.Distro;
import dev.kiln.vuln.version.Ecosystem;
import dev.kiln.vuln.version.VersionScheme;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * OSV records indexed by (ecosystem, package name), with range evaluation (vulnerabilities.md §5.2).
 * Withdrawn records are ignored.
 */
public final class OsvIndex {
    /** The outcome for one package version: affected, with the first fix above it if any. */
    public record Hit(
            OsvRecord record,
            OsvRecord.Affected affected,
            @Nullable String fixedVersion) {}

    private final Map<String, List<Map.Entry<OsvRecord, OsvRecord.Affected>>> byKey = new HashMap<>();
    private final Map<String, OsvRecord> byId = new HashMap<>();
    private final java.util.Set<String> ecosystems = new java.util.TreeSet<>();

    public OsvIndex(List<OsvRecord> records) {
        for (OsvRecord r : records) {
            if (r.withdrawn() != null) {
                continue;
            }
            for (String id : r.allIds()) {
                byId.putIfAbsent(id, r);
            }
            for (OsvRecord.Affected a : r.affected()) {
                ecosystems.add(a.ecosystem());
                Ecosystem.ofOsv(a.ecosystem())
                        .ifPresent(e -> byKey.computeIfAbsent(key(e, a.name()), k -> new ArrayList<>())
                                .add(Map.entry(r, a)));
            }
        }
    }

    public static OsvIndex empty() {
        return new OsvIndex(List.of());
    }

    /** A record known by any of {@code ids}, to rate findings that distribution data leaves unrated. */
    public Optional<OsvRecord> byAnyId(List<String> ids) {
        return ids.stream().map(byId::get).filter(java.util.Objects::nonNull).findFirst();
    }

    /** The OSV ecosystem strings of the records, as written ({@code Debian:12}, {@code PyPI}), sorted. */
    public java.util.Set<String> ecosystems() {
        return java.util.Collections.unmodifiableSet(ecosystems);
    }

    /** Records that say {@code name@version} in {@code ecosystem} is affected, whatever their distribution. */
    public List<Hit> affected(Ecosystem ecosystem, String name, String version) {
        return affected(ecosystem, name, version, null);
    }

    /**
     * Records that say {@code name@version} in {@code ecosystem} is affected; for an operating-system ecosystem,
     * only records of {@code image}'s distribution and release ({@code Alpine:v3.18} says nothing about a Wolfi
     * package, nor {@code Debian:11} about Debian 12). A null {@code image} does not filter.
     */
    public List<Hit> affected(Ecosystem ecosystem, String name, String version, @Nullable Distro image) {
        List<Hit> out = new ArrayList<>();
        VersionScheme scheme = ecosystem.scheme();
        if (!scheme.isValid(version)) {
            return out; // an unparseable installed version cannot be placed in any range
        }
        for (Map.Entry<OsvRecord, OsvRecord.Affected> e : byKey.getOrDefault(key(ecosystem, name), List.of())) {
            if (image != null
                    && ecosystem.isOs()
                    && !Distro.ofOsv(e.getValue().ecosystem())
                            .map(d -> d.covers(image))
                            .orElse(false)) {
                continue;
            }
            evaluate(e.getValue(), version, scheme)
                    .ifPresent(fix -> out.add(new Hit(e.getKey(), e.getValue(), fix.isEmpty() ? null : fix)));
        }
        return out;
    }

    /** Empty when not affected; else the first fix above {@code v} ("" when none). */
    static Optional<String> evaluate(OsvRecord.Affected a, String v, VersionScheme scheme) {
        if (a.versions().contains(v)) {
            return Optional.of(firstFixAbove(a, v, scheme));
        }
        for (OsvRecord.Range r : a.ranges()) {
            if (r.type().equals("GIT")) {
                continue;
            }
            VersionScheme s = r.type().equals("SEMVER") ? VersionScheme.SEMVER : scheme;
            if (r.events().stream()
                    .anyMatch(e -> e.kind() == OsvRecord.Event.Kind.FIXED
                            && e.version().equals("0"))) {
                continue; // a NAK: never affected, whatever the event order
            }
            if (contains(r, v, s)) {
                return Optional.of(firstFixAbove(a, v, scheme));
            }
        }
        return Optional.empty();
    }

    static boolean contains(OsvRecord.Range r, String v, VersionScheme s) {
        List<OsvRecord.Event> limits = r.events().stream()
                .filter(e -> e.kind() == OsvRecord.Event.Kind.LIMIT)
                .toList();
        if (!limits.isEmpty()
                && limits.stream().noneMatch(l -> l.version().equals("*") || cmp(s, v, l.version()) < 0)) {
            return false;
        }
        List<OsvRecord.Event> events = new ArrayList<>(r.events());
        events.removeIf(e -> e.kind() == OsvRecord.Event.Kind.LIMIT);
        events.sort((x, y) -> cmp(s, x.version(), y.version()));
        boolean vulnerable = false;
        for (OsvRecord.Event e : events) {
            switch (e.kind()) {
                case INTRODUCED -> {
                    if (cmp(s, e.version(), v) <= 0) {
                        vulnerable = true;
                    }
                }
                case FIXED -> {
                    if (cmp(s, e.version(), v) <= 0) {
                        vulnerable = false;
                    }
                }
                case LAST_AFFECTED -> {
                    if (cmp(s, e.version(), v) < 0) {
                        vulnerable = false;
                    }
                }
                default -> {}
            }
        }
        return vulnerable;
    }

    private static String firstFixAbove(OsvRecord.Affected a, String v, VersionScheme s) {
        String best = "";
        for (OsvRecord.Range r : a.ranges()) {
            for (OsvRecord.Event e : r.events()) {
                if (e.kind() == OsvRecord.Event.Kind.FIXED
                        && cmp(s, e.version(), v) > 0
                        && (best.isEmpty() || cmp(s, e.version(), best) < 0)) {
                    best = e.version();
                }
            }
        }
        return best;
    }

    /** "0" sorts below everything in every scheme (OSV's "before every version"). */
    private static int cmp(VersionScheme s, String a, String b) {
        if (a.equals(b)) {
            return 0;
        }
        if (a.equals("0")) {
            return -1;
        }
        if (b.equals("0")) {
            return 1;
        }
        return s.compare(a, b);
    }

    private static String key(Ecosystem e, String name) {
        return e.name() + "\u0000" + e.normalizeName(name);
    }
}
