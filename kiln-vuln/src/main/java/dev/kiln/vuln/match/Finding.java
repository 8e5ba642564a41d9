package dev.kiln.vuln.match;

import dev.kiln.vuln.inventory.InventoryPackage;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A package affected by a vulnerability. {@code fixedVersion} is null when no fix exists; {@code state} is
 * {@code fixed-available}, or the open state ({@code pending-upstream-fix}, {@code fix-not-planned},
 * {@code unfixed}, …); {@code source} names the data that matched ({@code advisories}, {@code osv:ECOSYSTEM}).
 */
public record Finding(
        InventoryPackage pkg,
        String id,
        List<String> aliases,
        Severity severity,
        @Nullable String fixedVersion,
        String state,
        String source) {
    public Finding {
        aliases = List.copyOf(aliases);
    }

    public boolean knownAs(String vulnerabilityId) {
        return id.equals(vulnerabilityId) || aliases.contains(vulnerabilityId);
    }

    /** The id and aliases. */
    public List<String> allIds() {
        java.util.LinkedHashSet<String> s = new java.util.LinkedHashSet<>();
        s.add(id);
        s.addAll(aliases);
        return List.copyOf(s);
    }
}
