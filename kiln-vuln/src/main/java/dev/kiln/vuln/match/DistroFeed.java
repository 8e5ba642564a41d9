package dev.kiln.vuln.match;

import dev.kiln.vuln.Advisory;
import dev.kiln.vuln.AdvisoryDocument;
import dev.kiln.vuln.AdvisoryEvent;
import dev.kiln.vuln.AdvisoryStore;
import dev.kiln.vuln.EventData;
import dev.kiln.vuln.EventType;
import dev.kiln.vuln.feed.SecDb;
import dev.kiln.vuln.inventory.Distro;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Origin-keyed distribution data: from advisory documents (every state) or a secdb (fixes and NAKs only).
 * It describes the packages of one distribution ({@link #distro()}): a scan applies it only to images of that
 * distribution, as the same package name in another distribution is another package. {@link #updated()} is
 * the time of the newest event it holds, or null when unknown.
 */
public final class DistroFeed {
    private final Map<String, List<DistroEntry>> byPackage;
    private final Distro distro;
    private final @Nullable Instant updated;

    private DistroFeed(Map<String, List<DistroEntry>> byPackage, Distro distro, @Nullable Instant updated) {
        this.byPackage = byPackage;
        this.distro = distro;
        this.updated = updated;
    }

    public static DistroFeed empty() {
        return new DistroFeed(Map.of(), Distro.UNKNOWN, null);
    }

    /** Kiln's own advisory documents, which describe Kiln's distribution. */
    public static DistroFeed of(AdvisoryStore store) {
        return of(store, Distro.KILN);
    }

    /** Advisory documents describing {@code distro}'s packages (Wolfi's advisories describe {@code wolfi}). */
    public static DistroFeed of(AdvisoryStore store, Distro distro) {
        Instant newest = null;
        Map<String, List<DistroEntry>> map = new HashMap<>();
        for (AdvisoryDocument doc : store.documents()) {
            List<DistroEntry> entries = new ArrayList<>();
            for (Advisory a : doc.advisories()) {
                AdvisoryEvent e = a.latest().orElse(null);
                if (e == null) {
                    continue;
                }
                newest = newest == null || e.timestamp().isAfter(newest) ? e.timestamp() : newest;
                List<String> ids = a.aliases().isEmpty() ? List.of(a.id()) : a.aliases();
                if (e.type() == EventType.FIXED) {
                    String fixed = Objects.requireNonNull(e.fixedVersion(), "a fixed event carries its version");
                    entries.add(new DistroEntry(a.id(), ids, DistroEntry.Status.FIXED, fixed, e.type(), null, null));
                } else if (e.data() instanceof EventData.FalsePositive fp) {
                    entries.add(new DistroEntry(
                            a.id(), ids, DistroEntry.Status.NOT_AFFECTED, SecDb.NAK, e.type(), fp.type(), fp.note()));
                } else {
                    String note = e.data() instanceof EventData.Note n ? n.note() : null;
                    entries.add(new DistroEntry(a.id(), ids, DistroEntry.Status.UNFIXED, null, e.type(), null, note));
                }
            }
            map.put(doc.packageName(), List.copyOf(entries));
        }
        return new DistroFeed(map, distro, newest);
    }

    /**
     * A secdb, describing the distribution its package URL prefix names ({@code packages.wolfi.dev} is
     * wolfi, {@code alpinelinux.org} alpine at every release); any other prefix is taken as Kiln's own.
     * A secdb has no dates.
     */
    public static DistroFeed of(SecDb secdb) {
        String prefix = secdb.urlPrefix() == null ? "" : secdb.urlPrefix();
        Distro d = prefix.contains("wolfi.dev")
                ? new Distro("wolfi", "")
                : prefix.contains("alpinelinux.org")
                        ? new Distro("alpine", "")
                        : prefix.contains("chainguard.dev") || prefix.contains("cgr.dev")
                                ? new Distro("chainguard", "")
                                : Distro.KILN;
        return of(secdb, d);
    }

    public static DistroFeed of(SecDb secdb, Distro distro) {
        Map<String, List<DistroEntry>> map = new HashMap<>();
        secdb.packages().forEach((name, fixes) -> {
            List<DistroEntry> entries = new ArrayList<>();
            fixes.forEach((version, ids) -> {
                for (String id : ids) {
                    boolean nak = SecDb.NAK.equals(version);
                    entries.add(new DistroEntry(
                            id,
                            List.of(id),
                            nak ? DistroEntry.Status.NOT_AFFECTED : DistroEntry.Status.FIXED,
                            version,
                            nak ? EventType.FALSE_POSITIVE_DETERMINATION : EventType.FIXED,
                            null,
                            null));
                }
            });
            map.put(name, List.copyOf(entries));
        });
        return new DistroFeed(map, distro, null);
    }

    static DistroFeed ofMap(Map<String, List<DistroEntry>> byPackage, Distro distro, @Nullable Instant updated) {
        return new DistroFeed(byPackage, distro, updated);
    }

    /** The same data, said to describe {@code other} (when the user knows better than the defaults). */
    public DistroFeed describing(Distro other) {
        return new DistroFeed(byPackage, other, updated);
    }

    public Distro distro() {
        return distro;
    }

    public @Nullable Instant updated() {
        return updated;
    }

    /** True when nothing is in it (no advisory data was given). */
    public boolean isEmpty() {
        return byPackage.isEmpty();
    }

    /** Every origin package the feed has entries for. */
    public java.util.Set<String> packageNames() {
        return java.util.Collections.unmodifiableSet(byPackage.keySet());
    }

    public List<DistroEntry> entries(String packageName) {
        return byPackage.getOrDefault(packageName, List.of());
    }
}
