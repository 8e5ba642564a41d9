package dev.kiln.vuln.inventory;

import dev.kiln.vuln.version.Ecosystem;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Everything found in one image: its distribution and packages, with file ownership by OS packages. */
public record Inventory(OsRelease distro, List<InstalledPackage> packages) {
    public Inventory {
        packages = List.copyOf(packages);
    }

    public List<InstalledPackage> of(Ecosystem ecosystem) {
        return packages.stream().filter(p -> p.ecosystem() == ecosystem).toList();
    }

    /** The OS package that lists every one of {@code paths} among its files, if exactly one does. */
    public Optional<InstalledPackage> owner(List<String> paths) {
        Map<String, InstalledPackage> owners = ownersByFile();
        InstalledPackage owner = null;
        for (String p : paths) {
            InstalledPackage o = owners.get(p);
            if (o == null || (owner != null && o != owner)) {
                return Optional.empty();
            }
            owner = o;
        }
        return Optional.ofNullable(owner);
    }

    /** Each file owned by an OS package, with its owner. */
    public Map<String, InstalledPackage> ownersByFile() {
        Map<String, InstalledPackage> map = new HashMap<>();
        for (InstalledPackage p : packages) {
            if (p.ecosystem().isOs()) {
                p.files().forEach(f -> map.put(f, p));
            }
        }
        return map;
    }
}
