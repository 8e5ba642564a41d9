package dev.kiln.vuln.inventory;

import dev.kiln.vuln.version.Ecosystem;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Everything found in one image: its distribution and packages, with file ownership by OS packages. */
public record Inventory(OsRelease distro, List<InventoryPackage> packages) {
    public Inventory {
        packages = List.copyOf(packages);
    }

    /** The distribution and release the image's OS packages belong to. */
    public Distro distribution() {
        return Distro.of(distro);
    }

    public List<InventoryPackage> of(Ecosystem ecosystem) {
        return packages.stream().filter(p -> p.ecosystem() == ecosystem).toList();
    }

    /**
     * Each language package that an OS package ships (the one OS package listing every file evidencing it),
     * with that owner; keyed by identity, as equal entries at different paths are different packages.
     */
    public Map<InventoryPackage, InventoryPackage> owners() {
        Map<String, InventoryPackage> byFile = ownersByFile();
        IdentityHashMap<InventoryPackage, InventoryPackage> out = new IdentityHashMap<>();
        for (InventoryPackage p : packages) {
            if (!p.ecosystem().isOs() && !p.evidence().isEmpty()) {
                owner(byFile, p.evidenceFiles()).ifPresent(o -> out.put(p, o));
            }
        }
        return out;
    }

    // one cataloged package instance owns every path; owners() keys its result by identity too
    @SuppressWarnings("ReferenceEquality")
    private static Optional<InventoryPackage> owner(Map<String, InventoryPackage> byFile, List<String> paths) {
        InventoryPackage owner = null;
        for (String p : paths) {
            InventoryPackage o = byFile.get(p);
            if (o == null || (owner != null && o != owner)) {
                return Optional.empty();
            }
            owner = o;
        }
        return Optional.ofNullable(owner);
    }

    /** Each file owned by an OS package, with its owner. */
    public Map<String, InventoryPackage> ownersByFile() {
        Map<String, InventoryPackage> map = new HashMap<>();
        for (InventoryPackage p : packages) {
            if (p.ecosystem().isOs()) {
                p.files().forEach(f -> map.put(f, p));
            }
        }
        return map;
    }
}
