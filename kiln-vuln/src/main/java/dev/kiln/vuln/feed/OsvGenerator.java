package dev.kiln.vuln.feed;

import dev.kiln.content.Purl;
import dev.kiln.vuln.Advisory;
import dev.kiln.vuln.AdvisoryDocument;
import dev.kiln.vuln.AdvisoryEvent;
import dev.kiln.vuln.EventType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One OSV record per advisory (vulnerabilities.md §5.3): id = advisory id, {@code upstream} = aliases, one
 * {@code affected[]} per architecture with an ECOSYSTEM range in APK ordering. A fix is
 * {@code introduced 0, fixed V}; a false positive {@code fixed "0"}; any other state stays unresolved
 * ({@code introduced 0} alone) and its status is kept in {@code ecosystem_specific.status}.
 */
public final class OsvGenerator {
    private final String ecosystem;
    private final String purlNamespace;
    private final List<String> archs;

    public OsvGenerator(String ecosystem, String purlNamespace, List<String> archs) {
        this.ecosystem = ecosystem;
        this.purlNamespace = purlNamespace;
        this.archs = List.copyOf(archs);
    }

    public List<OsvRecord> generate(Collection<AdvisoryDocument> documents) {
        List<OsvRecord> out = new ArrayList<>();
        for (AdvisoryDocument doc : documents) {
            for (Advisory a : doc.advisories()) {
                AdvisoryEvent latest = a.latest().orElse(null);
                if (latest != null) {
                    out.add(record(doc.packageName(), a, latest));
                }
            }
        }
        return out;
    }

    private OsvRecord record(String pkg, Advisory a, AdvisoryEvent latest) {
        List<OsvRecord.Event> events = new ArrayList<>();
        events.add(new OsvRecord.Event(OsvRecord.Event.Kind.INTRODUCED, "0"));
        if (latest.type() == EventType.FIXED) {
            events.add(new OsvRecord.Event(
                    OsvRecord.Event.Kind.FIXED,
                    Objects.requireNonNull(latest.fixedVersion(), "a fixed event carries its version")));
        } else if (latest.type() == EventType.FALSE_POSITIVE_DETERMINATION) {
            events.add(new OsvRecord.Event(OsvRecord.Event.Kind.FIXED, SecDb.NAK));
        }
        List<OsvRecord.Affected> affected = new ArrayList<>();
        for (String arch : archs) {
            affected.add(new OsvRecord.Affected(
                    ecosystem,
                    pkg,
                    Purl.of("apk", purlNamespace, pkg, null)
                            .withQualifier("arch", arch)
                            .toString(),
                    List.of(new OsvRecord.Range("ECOSYSTEM", null, events)),
                    List.of(),
                    Map.of("status", latest.type().wireName()),
                    Map.of()));
        }
        AdvisoryEvent first = a.events().stream()
                .min(java.util.Comparator.comparing(AdvisoryEvent::timestamp))
                .orElse(latest);
        return new OsvRecord(
                a.id(),
                latest.timestamp(),
                first.timestamp(),
                null,
                List.of(),
                a.aliases(),
                null,
                null,
                List.of(),
                affected,
                Map.of());
    }
}
