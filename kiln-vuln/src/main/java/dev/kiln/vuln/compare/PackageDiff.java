package dev.kiln.vuln.compare;

import dev.kiln.vuln.inventory.Inventory;
import dev.kiln.vuln.inventory.InventoryPackage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Packages added, removed and changed between two images (typically two versions of one image), keyed by
 * ecosystem and name; sorted, so equal inputs give equal output.
 */
public record PackageDiff(List<InventoryPackage> added, List<InventoryPackage> removed, List<Change> changed) {

    /** A package present in both images at different versions. */
    public record Change(InventoryPackage from, InventoryPackage to) {}

    public PackageDiff {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        changed = List.copyOf(changed);
    }

    public static PackageDiff of(Inventory a, Inventory b) {
        Map<String, InventoryPackage> before = byKey(a);
        Map<String, InventoryPackage> after = byKey(b);
        List<InventoryPackage> added = new ArrayList<>();
        List<InventoryPackage> removed = new ArrayList<>();
        List<Change> changed = new ArrayList<>();
        after.forEach((k, p) -> {
            InventoryPackage old = before.get(k);
            if (old == null) {
                added.add(p);
            } else if (!old.version().equals(p.version())) {
                changed.add(new Change(old, p));
            }
        });
        before.forEach((k, p) -> {
            if (!after.containsKey(k)) {
                removed.add(p);
            }
        });
        return new PackageDiff(added, removed, changed);
    }

    public boolean isEmpty() {
        return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
    }

    /** One line per difference: {@code + name version}, {@code - name version}, {@code ~ name from -> to}. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        removed.forEach(p ->
                sb.append("- ").append(label(p)).append(' ').append(p.version()).append('\n'));
        added.forEach(p ->
                sb.append("+ ").append(label(p)).append(' ').append(p.version()).append('\n'));
        changed.forEach(c -> sb.append("~ ")
                .append(label(c.to()))
                .append(' ')
                .append(c.from().version())
                .append(" -> ")
                .append(c.to().version())
                .append('\n'));
        sb.append(added.size())
                .append(" added, ")
                .append(removed.size())
                .append(" removed, ")
                .append(changed.size())
                .append(" changed\n");
        return sb.toString();
    }

    private static String label(InventoryPackage p) {
        return p.ecosystem().isOs()
                ? p.name()
                : p.name() + " (" + p.ecosystem().name().toLowerCase(java.util.Locale.ROOT) + ")";
    }

    /** Language packages can repeat a name at several paths; the first (by evidence) stands for them. */
    private static Map<String, InventoryPackage> byKey(Inventory inv) {
        Map<String, InventoryPackage> m = new TreeMap<>();
        for (InventoryPackage p : inv.packages()) {
            m.putIfAbsent(p.ecosystem().name() + "/" + p.name(), p);
        }
        return m;
    }
}
