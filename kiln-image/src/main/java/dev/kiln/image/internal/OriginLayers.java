package dev.kiln.image.internal;

import dev.kiln.apk.FileNode;
import dev.kiln.apk.FileTree;
import dev.kiln.apk.InstalledPackage;
import dev.kiln.apk.Installer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Splits an installed tree into layers by package origin (images.md §6): packages of one origin,
 * and packages joined by {@code replaces}, share a group; the {@code budget - 1} largest groups by
 * installed size get a layer each, the other packages share an overflow layer, and what no package
 * owns (the full apk database, accounts, keys, assembler directories) goes in a top layer. Each
 * package layer carries the parent directories it needs and a partial installed database listing
 * its own packages, which the top layer's full database covers once the layers are stacked.
 * Everything is ordered by size, then origin name, then walk order, so the split is deterministic.
 */
public final class OriginLayers {
    /** One layer to write: a history comment and its entries in walk order. */
    public record Plan(@Nullable String comment, List<FileNode> nodes) {
        public Plan {
            nodes = List.copyOf(nodes);
        }
    }

    private OriginLayers() {}

    public static List<Plan> split(FileTree tree, List<InstalledPackage> installed, int budget, long epoch) {
        Map<String, String> groupOf = groups(installed);
        Map<String, Long> size = new TreeMap<>();
        for (InstalledPackage p : installed) {
            size.merge(groupOf.get(p.name()), p.entry().installedSize(), Long::sum);
        }
        List<String> bySize = new ArrayList<>(size.keySet());
        bySize.sort(
                Comparator.comparing((String g) -> size.get(g)).reversed().thenComparing(Comparator.naturalOrder()));
        int own = Math.min(Math.max(budget - 1, 0), bySize.size());
        Map<String, Integer> layerOfGroup = new HashMap<>();
        for (int i = 0; i < bySize.size(); i++) {
            layerOfGroup.put(bySize.get(i), Math.min(i, own));
        }
        boolean overflow = bySize.size() > own;
        int top = own + (overflow ? 1 : 0);

        Map<String, Integer> layerOfPackage = new HashMap<>();
        installed.forEach(p -> layerOfPackage.put(p.name(), layerOfGroup.get(groupOf.get(p.name()))));
        Map<String, Integer> layerOfPath = new HashMap<>();
        for (FileNode n : tree.entries()) {
            if (n.kind() != FileNode.Kind.HARDLINK) {
                layerOfPath.put(n.path(), n.owner() == null ? top : layerOfPackage.getOrDefault(n.owner(), top));
            }
        }
        List<TreeMap<String, FileNode>> layers = new ArrayList<>();
        for (int i = 0; i <= top; i++) {
            layers.add(new TreeMap<>(FileTree.WALK_ORDER));
        }
        for (FileNode n : tree.entries()) {
            // A hard link must be in the layer of its target: a tar link cannot name a file of another layer.
            int layer = n.kind() == FileNode.Kind.HARDLINK
                    ? layerOfPath.getOrDefault(n.linkTarget(), top)
                    : known(layerOfPath, n.path());
            add(layers.get(layer), tree, n);
        }
        List<Plan> plans = new ArrayList<>();
        for (int i = 0; i < top; i++) {
            int layer = i;
            List<InstalledPackage> members = installed.stream()
                    .filter(p -> known(layerOfPackage, p.name()) == layer)
                    .toList();
            FileNode db = FileNode.file(
                    Installer.databasePath(tree),
                    Installer.database(members).getBytes(StandardCharsets.UTF_8),
                    0644,
                    0,
                    0,
                    epoch);
            add(layers.get(i), tree, db);
            String what = i < own ? "origin " + bySize.get(i) : "other packages";
            plans.add(new Plan(
                    what + ": "
                            + String.join(
                                    " ",
                                    members.stream()
                                            .map(p -> p.name() + "-" + p.version())
                                            .sorted()
                                            .toList()),
                    List.copyOf(layers.get(i).values())));
        }
        plans.add(new Plan(
                "image files: apk database, accounts, configuration",
                List.copyOf(layers.get(top).values())));
        return plans;
    }

    private static void add(Map<String, FileNode> layer, FileTree tree, FileNode n) {
        String path = n.path();
        for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
            String parent = path.substring(0, slash);
            if (!layer.containsKey(parent)) {
                tree.get(parent)
                        .filter(d -> d.kind() == FileNode.Kind.DIRECTORY)
                        .ifPresent(d -> layer.put(parent, d));
            }
        }
        layer.put(path, n);
    }

    /** Package name to group key: the smallest origin in its union of origins linked by {@code replaces}. */
    private static Map<String, String> groups(List<InstalledPackage> installed) {
        Map<String, String> parent = new HashMap<>();
        Map<String, String> originOf = new LinkedHashMap<>();
        for (InstalledPackage p : installed) {
            String origin = p.entry().origin() == null || p.entry().origin().isEmpty()
                    ? p.name()
                    : p.entry().origin();
            originOf.put(p.name(), origin);
            parent.putIfAbsent(origin, origin);
        }
        for (InstalledPackage p : installed) {
            for (String r : p.apk().pkgInfo().replaces()) {
                String replaced = dev.kiln.apk.Dependency.parse(r).name();
                if (originOf.containsKey(replaced)) {
                    union(parent, known(originOf, p.name()), known(originOf, replaced));
                }
            }
        }
        Map<String, String> out = new HashMap<>();
        originOf.forEach((name, origin) -> out.put(name, find(parent, origin)));
        return out;
    }

    private static String find(Map<String, String> parent, String x) {
        while (!known(parent, x).equals(x)) {
            x = known(parent, x);
        }
        return x;
    }

    /** A value this class put for {@code key} itself: every package, origin and non-link path has one. */
    private static <V> V known(Map<String, V> map, String key) {
        return Objects.requireNonNull(map.get(key), () -> "origin layering has no entry for " + key);
    }

    private static void union(Map<String, String> parent, String a, String b) {
        String ra = find(parent, a);
        String rb = find(parent, b);
        if (!ra.equals(rb)) {
            // The smaller name represents the group, so the result does not depend on install order.
            if (ra.compareTo(rb) < 0) {
                parent.put(rb, ra);
            } else {
                parent.put(ra, rb);
            }
        }
    }
}
