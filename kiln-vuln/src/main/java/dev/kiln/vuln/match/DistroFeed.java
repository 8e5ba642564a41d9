package dev.kiln.vuln.match;

import dev.kiln.vuln.Advisory;
import dev.kiln.vuln.AdvisoryDocument;
import dev.kiln.vuln.AdvisoryEvent;
import dev.kiln.vuln.AdvisoryStore;
import dev.kiln.vuln.EventData;
import dev.kiln.vuln.EventType;
import dev.kiln.vuln.feed.SecDb;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Origin-keyed distribution data: from advisory documents (every state) or a secdb (fixes and NAKs only). */
public final class DistroFeed {
    private final Map<String, List<DistroEntry>> byPackage;

    private DistroFeed(Map<String, List<DistroEntry>> byPackage) {
        this.byPackage = byPackage;
    }

    public static DistroFeed empty() {
        return new DistroFeed(Map.of());
    }

    public static DistroFeed of(AdvisoryStore store) {
        Map<String, List<DistroEntry>> map = new HashMap<>();
        for (AdvisoryDocument doc : store.documents()) {
            List<DistroEntry> entries = new ArrayList<>();
            for (Advisory a : doc.advisories()) {
                AdvisoryEvent e = a.latest().orElse(null);
                if (e == null) {
                    continue;
                }
                List<String> ids = a.aliases().isEmpty() ? List.of(a.id()) : a.aliases();
                if (e.type() == EventType.FIXED) {
                    entries.add(new DistroEntry(a.id(), ids, DistroEntry.Status.FIXED, e.fixedVersion(), e.type(), null,
                            null));
                } else if (e.data() instanceof EventData.FalsePositive fp) {
                    entries.add(new DistroEntry(a.id(), ids, DistroEntry.Status.NOT_AFFECTED, SecDb.NAK, e.type(),
                            fp.type(), fp.note()));
                } else {
                    String note = e.data() instanceof EventData.Note n ? n.note() : null;
                    entries.add(new DistroEntry(a.id(), ids, DistroEntry.Status.UNFIXED, null, e.type(), null, note));
                }
            }
            map.put(doc.packageName(), List.copyOf(entries));
        }
        return new DistroFeed(map);
    }

    public static DistroFeed of(SecDb secdb) {
        Map<String, List<DistroEntry>> map = new HashMap<>();
        secdb.packages().forEach((name, fixes) -> {
            List<DistroEntry> entries = new ArrayList<>();
            fixes.forEach((version, ids) -> {
                for (String id : ids) {
                    boolean nak = SecDb.NAK.equals(version);
                    entries.add(new DistroEntry(id, List.of(id), nak ? DistroEntry.Status.NOT_AFFECTED
                            : DistroEntry.Status.FIXED, version, nak ? EventType.FALSE_POSITIVE_DETERMINATION
                            : EventType.FIXED, null, null));
                }
            });
            map.put(name, List.copyOf(entries));
        });
        return new DistroFeed(map);
    }

    static DistroFeed ofMap(Map<String, List<DistroEntry>> byPackage) {
        return new DistroFeed(byPackage);
    }

    /** Every origin package the feed has entries for. */
    public java.util.Set<String> packageNames() {
        return java.util.Collections.unmodifiableSet(byPackage.keySet());
    }

    public List<DistroEntry> entries(String packageName) {
        return byPackage.getOrDefault(packageName, List.of());
    }
}
