package dev.kiln.vuln.match;

import dev.kiln.vuln.inventory.Distro;
import dev.kiln.vuln.inventory.Inventory;
import dev.kiln.vuln.inventory.InventoryPackage;
import dev.kiln.vuln.version.Ecosystem;
import dev.kiln.vuln.vex.VexDocument;
import dev.kiln.vuln.vex.VexStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Matches an inventory against distribution data (origin-keyed, vulnerabilities.md §2), OSV records for
 * every other ecosystem, ownership subtraction for language packages inside OS packages (§7.2) and
 * OpenVEX (§6.2). Every dropped match is kept with its reason.
 */
public final class Matcher {
    private final DistroFeed distro;
    private final OsvIndex osv;
    private final List<VexDocument> vex;

    public Matcher(DistroFeed distro, OsvIndex osv, List<VexDocument> vex) {
        this.distro = distro;
        this.osv = osv;
        this.vex = List.copyOf(vex);
    }

    /**
     * Scans {@code inventory}; {@code imagePurls} identify the image for VEX products (may be empty);
     * {@code feedUpdated} is when the other data (OSV) was current, or null; the report's date is the older of it
     * and the distribution feed's own date when that feed applies, so it never claims more than the stalest source.
     * OS packages are matched only against sources of the image's distribution and release.
     */
    public ScanReport scan(String target, Inventory inventory, List<String> imagePurls, @Nullable Instant feedUpdated) {
        List<Finding> findings = new ArrayList<>();
        List<Suppressed> suppressed = new ArrayList<>();
        Map<InventoryPackage, InventoryPackage> owners = inventory.owners();
        Distro image = inventory.distribution();
        boolean distroApplies = distro.distro().covers(image);
        for (InventoryPackage p : inventory.packages()) {
            List<Finding> raw = new ArrayList<>();
            List<Suppressed> naks = new ArrayList<>();
            if (p.ecosystem() == Ecosystem.APK && distroApplies) {
                matchDistro(p, raw, naks);
            }
            matchOsv(p, image, raw, naks);
            suppressed.addAll(naks);
            for (Finding f0 : raw) {
                Finding f = f0.severity() != Severity.UNKNOWN
                        ? f0
                        : osv.byAnyId(f0.allIds())
                                .map(r -> new Finding(
                                        f0.pkg(),
                                        f0.id(),
                                        f0.aliases(),
                                        severityOf(r, null),
                                        f0.fixedVersion(),
                                        f0.state(),
                                        f0.source()))
                                .orElse(f0);
                Optional<Suppressed> s = (distroApplies ? ownership(f, owners) : Optional.<Suppressed>empty())
                        .or(() -> vexVerdict(f, imagePurls));
                if (s.isPresent()) {
                    suppressed.add(s.get());
                } else {
                    findings.add(f);
                }
            }
        }
        List<String> sources = new ArrayList<>();
        if (distroApplies) {
            sources.add("distribution advisories (" + distro.distro() + ")");
        }
        List<String> osOsv = osv.ecosystems().stream()
                .filter(e -> Distro.ofOsv(e).map(d -> d.covers(image)).orElse(false))
                .toList();
        osOsv.forEach(e -> sources.add("osv:" + e));
        inventory.packages().stream()
                .filter(p -> !p.ecosystem().isOs())
                .map(p -> p.ecosystem().osvName())
                .distinct()
                .filter(osv.ecosystems()::contains)
                .sorted()
                .forEach(e -> sources.add("osv:" + e));
        List<String> warnings = new ArrayList<>();
        long osPackages =
                inventory.packages().stream().filter(p -> p.ecosystem().isOs()).count();
        if (osPackages > 0 && !distroApplies && osOsv.isEmpty()) {
            List<String> given = new ArrayList<>();
            if (!distro.isEmpty()) {
                given.add("distribution advisories (" + distro.distro() + ")");
            }
            osv.ecosystems().stream().filter(e -> Distro.ofOsv(e).isPresent()).forEach(e -> given.add("osv:" + e));
            warnings.add((image.isKnown()
                            ? "no advisory source covers " + image
                            : "the image's distribution is unknown (no os-release, APK repository or dpkg origin), so no"
                                    + " advisory source applies")
                    + ": its " + osPackages + " OS packages were not matched"
                    + (given.isEmpty() ? " (no distribution data was given)" : "; given: " + String.join(", ", given)));
        }
        Instant own = distroApplies ? distro.updated() : null;
        Instant asOf = feedUpdated == null ? own : own == null || feedUpdated.isBefore(own) ? feedUpdated : own;
        return new ScanReport(
                target, inventory.distro(), asOf, inventory.packages().size(), findings, suppressed, sources, warnings);
    }

    private void matchDistro(InventoryPackage p, List<Finding> out, List<Suppressed> suppressed) {
        Map<String, DistroEntry> entries = new LinkedHashMap<>();
        for (String key : lookupNames(p)) {
            for (DistroEntry e : distro.entries(key)) {
                entries.putIfAbsent(e.advisoryId(), e);
            }
        }
        for (DistroEntry e : entries.values()) {
            String id = e.primaryId();
            List<String> aliases = e.ids().stream().filter(x -> !x.equals(id)).toList();
            switch (e.status()) {
                case NOT_AFFECTED ->
                    suppressed.add(new Suppressed(
                            new Finding(p, id, aliases, Severity.UNKNOWN, null, "not-affected", "advisories"),
                            Suppressed.Reason.NAK,
                            e.justification()));
                case FIXED -> {
                    String fixed = Objects.requireNonNull(e.fixedVersion(), "a fixed entry carries its version");
                    if (Ecosystem.APK.scheme().compare(p.version(), fixed) < 0) {
                        out.add(new Finding(p, id, aliases, Severity.UNKNOWN, fixed, "fixed-available", "advisories"));
                    }
                }
                case UNFIXED ->
                    out.add(new Finding(
                            p, id, aliases, Severity.UNKNOWN, null, e.state().wireName(), "advisories"));
            }
        }
    }

    /** The origin first (advisories are filed under it), then the package's own name when it differs. */
    private static List<String> lookupNames(InventoryPackage p) {
        return p.origin().equals(p.name()) ? List.of(p.name()) : List.of(p.origin(), p.name());
    }

    /** {@code naks} holds what the distribution data already suppressed for {@code p}. */
    private void matchOsv(InventoryPackage p, Distro image, List<Finding> out, List<Suppressed> naks) {
        Map<String, OsvIndex.Hit> hits = new LinkedHashMap<>();
        for (String name : lookupNames(p)) {
            for (OsvIndex.Hit h : osv.affected(p.ecosystem(), name, p.version(), image)) {
                hits.putIfAbsent(h.record().id(), h);
            }
        }
        for (OsvIndex.Hit h : hits.values()) {
            List<String> ids = h.record().allIds();
            if (p.ecosystem() == Ecosystem.APK
                    && out.stream().anyMatch(f -> ids.stream().anyMatch(f::knownAs))) {
                continue; // the distribution data already reported it
            }
            if (p.ecosystem() == Ecosystem.APK
                    && naks.stream().anyMatch(s -> ids.stream().anyMatch(s.finding()::knownAs))) {
                continue; // NAK'd by the distribution: it also silences other sources
            }
            String id = primary(ids);
            out.add(new Finding(
                    p,
                    id,
                    ids.stream().filter(x -> !x.equals(id)).toList(),
                    severity(h),
                    h.fixedVersion(),
                    h.fixedVersion() == null ? "unfixed" : "fixed-available",
                    "osv:" + h.affected().ecosystem()));
        }
    }

    /** A language match inside an OS package whose origin fixed (at or below the installed version) or NAK'd it. */
    private Optional<Suppressed> ownership(Finding f, Map<InventoryPackage, InventoryPackage> owners) {
        InventoryPackage owner = owners.get(f.pkg());
        if (owner == null) {
            return Optional.empty();
        }
        for (DistroEntry e : distro.entries(owner.origin())) {
            if (f.allIds().stream().noneMatch(e::covers)) {
                continue;
            }
            if (e.status() == DistroEntry.Status.NOT_AFFECTED) {
                return Optional.of(new Suppressed(
                        f,
                        Suppressed.Reason.OWNERSHIP,
                        "owned by " + owner.name() + " "
                                + owner.version() + " whose origin " + owner.origin() + " is not affected ("
                                + e.justification() + ")"));
            }
            if (e.status() == DistroEntry.Status.FIXED) {
                String fixed = Objects.requireNonNull(e.fixedVersion(), "a fixed entry carries its version");
                if (owner.ecosystem().scheme().compare(fixed, owner.version()) <= 0) {
                    return Optional.of(new Suppressed(
                            f,
                            Suppressed.Reason.OWNERSHIP,
                            "owned by " + owner.name() + " " + owner.version() + "; fixed in " + owner.origin() + " "
                                    + fixed));
                }
            }
        }
        return Optional.empty();
    }

    private Optional<Suppressed> vexVerdict(Finding f, List<String> imagePurls) {
        if (vex.isEmpty()) {
            return Optional.empty();
        }
        Optional<VexStatement> s =
                VexDocument.decide(vex, f.allIds(), imagePurls, f.pkg().purl());
        return s.filter(VexStatement::suppresses)
                .map(st -> new Suppressed(
                        f,
                        Suppressed.Reason.VEX,
                        st.status()
                                + (st.justification() != null
                                        ? ": " + st.justification()
                                        : st.impactStatement() != null ? ": " + st.impactStatement() : "")));
    }

    private static Severity severity(OsvIndex.Hit h) {
        return severityOf(h.record(), h.affected());
    }

    private static Severity severityOf(
            dev.kiln.vuln.feed.OsvRecord r, dev.kiln.vuln.feed.OsvRecord.@Nullable Affected a) {
        Object s = r.databaseSpecific().get("severity");
        if (s == null && a != null) {
            s = a.databaseSpecific().get("severity");
        }
        if (s == null && a != null) {
            s = a.ecosystemSpecific().get("severity");
        }
        Severity parsed = Severity.parse(s == null ? null : s.toString());
        if (parsed == Severity.UNKNOWN) {
            parsed = r.severity().stream()
                    .map(x -> Cvss.severity(x.score()))
                    .filter(x -> x != Severity.UNKNOWN)
                    .findFirst()
                    .orElse(Severity.UNKNOWN);
        }
        return parsed;
    }

    /** The CVE id when there is one (what people search for), else the first id. */
    static String primary(List<String> ids) {
        return ids.stream().filter(x -> x.startsWith("CVE-")).findFirst().orElse(ids.get(0));
    }
}
