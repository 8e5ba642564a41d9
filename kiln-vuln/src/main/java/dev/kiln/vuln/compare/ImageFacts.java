package dev.kiln.vuln.compare;

import dev.kiln.vuln.image.LoadedImage;
import dev.kiln.vuln.inventory.Inventories;
import dev.kiln.vuln.inventory.Inventory;
import dev.kiln.vuln.inventory.InventoryPackage;
import dev.kiln.vuln.inventory.Rootfs;
import dev.kiln.vuln.match.ScanReport;
import dev.kiln.vuln.match.ScanSources;
import dev.kiln.vuln.match.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An image's nutrition label: what it costs to pull and store, what it holds, what is known to be wrong
 * with it, and what an attacker finds inside (a shell, a package manager, root).
 *
 * @param compressedSize stored layer bytes; -1 when unknown (an unpacked rootfs)
 * @param user the config's user ("" is root by default); null when the image has no config
 * @param oldest the OS package with the oldest build time, if any package has one
 * @param files regular files in the flattened layers (each name of a hard link counts)
 * @param setuidFiles regular files with the set-user-ID or set-group-ID bit, sorted
 */
public record ImageFacts(
        String name,
        @Nullable String platform,
        long compressedSize,
        long uncompressedSize,
        int layers,
        int packages,
        int osPackages,
        Map<Severity, Integer> cves,
        List<String> shells,
        List<String> packageManagers,
        @Nullable String user,
        @Nullable PackageAge oldest,
        @Nullable PackageAge newest,
        int files,
        List<String> setuidFiles) {

    /** A package and when it was built. */
    public record PackageAge(String name, String version, Instant built) {}

    private static final List<String> BIN_DIRS = List.of("bin", "sbin", "usr/bin", "usr/sbin", "usr/local/bin");
    private static final List<String> SHELLS = List.of("sh", "bash", "ash", "dash", "zsh", "ksh", "busybox");
    private static final List<String[]> MANAGERS = List.of(
            new String[] {"apk", "apk"},
            new String[] {"apt", "apt"},
            new String[] {"apt", "apt-get"},
            new String[] {"dpkg", "dpkg"},
            new String[] {"rpm", "rpm"},
            new String[] {"dnf", "dnf"},
            new String[] {"yum", "yum"},
            new String[] {"microdnf", "microdnf"},
            new String[] {"pip", "pip"},
            new String[] {"pip", "pip3"},
            new String[] {"npm", "npm"});

    public ImageFacts {
        cves = Map.copyOf(cves);
        shells = List.copyOf(shells);
        packageManagers = List.copyOf(packageManagers);
        setuidFiles = List.copyOf(setuidFiles);
    }

    public static ImageFacts of(LoadedImage image, Inventory inventory, ScanReport report) {
        List<InventoryPackage> os =
                inventory.packages().stream().filter(p -> p.ecosystem().isOs()).toList();
        Comparator<InventoryPackage> byBuilt = Comparator.comparing(InventoryPackage::built);
        List<InventoryPackage> dated =
                os.stream().filter(p -> p.built() != null).sorted(byBuilt).toList();
        List<String> managers = new ArrayList<>();
        for (String[] m : MANAGERS) {
            if (!managers.contains(m[0]) && executable(image.rootfs(), m[1])) {
                managers.add(m[0]);
            }
        }
        return new ImageFacts(
                image.name(),
                image.platform() == null ? null : image.platform().toString(),
                image.compressedSize(),
                image.uncompressedSize(),
                image.layers().size(),
                inventory.packages().size(),
                os.size(),
                report.countsBySeverity(),
                SHELLS.stream().filter(s -> executable(image.rootfs(), s)).toList(),
                managers,
                image.user().orElse(null),
                dated.isEmpty() ? null : age(dated.get(0)),
                dated.isEmpty() ? null : age(dated.get(dated.size() - 1)),
                image.rootfs().fileCount(),
                image.rootfs().setuidFiles());
    }

    /** The label of {@code image}: its inventory, matched against {@code sources}. */
    public static ImageFacts scan(LoadedImage image, ScanSources sources) {
        Inventory inventory = Inventories.of(image.rootfs());
        return of(image, inventory, sources.scan(image.name(), inventory, List.of()));
    }

    /** True, false, or empty when the image has no config to say. */
    public Optional<Boolean> runsAsRoot() {
        if (user == null) {
            return Optional.empty();
        }
        String u = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
        return Optional.of(u.isEmpty() || u.equals("root") || u.equals("0"));
    }

    public int cveTotal() {
        return cves.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static boolean executable(Rootfs fs, String command) {
        return BIN_DIRS.stream().anyMatch(d -> fs.isExecutable(d + "/" + command));
    }

    private static PackageAge age(InventoryPackage p) {
        return new PackageAge(p.name(), p.version(), Objects.requireNonNull(p.built(), "only dated packages are aged"));
    }
}
