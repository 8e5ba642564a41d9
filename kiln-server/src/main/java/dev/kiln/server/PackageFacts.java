package dev.kiln.server;

import dev.kiln.recipe.Recipe;
import dev.kiln.server.state.Records;
import dev.kiln.update.DeltaReport;
import dev.kiln.update.RebuildGraph;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the package pages show besides builds: for each recipe of the catalog, the recipes that rebuild
 * when it changes (the reverse of {@code kiln graph}'s build-time edges, transitively) and the patches it
 * carries against its upstream with their reasons ({@code kiln delta}).
 *
 * @param dependents by package: direct dependents first, then the ones reached through them
 * @param patches by package: the carried patches, for packages that carry any
 */
record PackageFacts(Map<String, List<Records.Dependent>> dependents, Map<String, List<Records.Patch>> patches) {
    PackageFacts {
        dependents = Map.copyOf(dependents);
        patches = Map.copyOf(patches);
    }

    /** The facts of the recipes of {@code catalog} that loaded. */
    static PackageFacts of(CatalogGraph catalog, Clock clock) {
        Map<Recipe, Path> loaded = catalog.loaded();
        List<Recipe> recipes = List.copyOf(loaded.keySet());
        RebuildGraph graph = catalog.graph();
        Map<String, Set<String>> reverse = new TreeMap<>();
        for (Recipe r : recipes) {
            String origin = r.pkg().name();
            reverse.computeIfAbsent(origin, k -> new TreeSet<>());
            for (String dependency : graph.dependenciesOf(origin)) {
                reverse.computeIfAbsent(dependency, k -> new TreeSet<>()).add(origin);
            }
        }
        Map<String, List<Records.Dependent>> dependents = new LinkedHashMap<>();
        reverse.keySet().forEach(origin -> dependents.put(origin, closure(origin, reverse)));
        DeltaReport delta = new DeltaReport(clock);
        Map<String, List<Records.Patch>> patches = new LinkedHashMap<>();
        for (Recipe r : recipes) {
            Path file = Objects.requireNonNull(loaded.get(r), "every recipe was loaded from a file");
            List<Records.Patch> carried = delta.of(file, r.pkg().name()).stream()
                    .map(d -> new Records.Patch(d.patch(), d.reason(), d.advisories(), d.since()))
                    .toList();
            if (!carried.isEmpty()) {
                patches.put(r.pkg().name(), carried);
            }
        }
        return new PackageFacts(dependents, patches);
    }

    /** Every package that rebuilds after {@code origin}: breadth first, so direct dependents come first. */
    private static List<Records.Dependent> closure(String origin, Map<String, Set<String>> reverse) {
        Set<String> direct = reverse.getOrDefault(origin, Set.of());
        Set<String> seen = new TreeSet<>();
        Deque<String> queue = new ArrayDeque<>(direct);
        while (!queue.isEmpty()) {
            String next = queue.removeFirst();
            if (!next.equals(origin) && seen.add(next)) {
                queue.addAll(reverse.getOrDefault(next, Set.of()));
            }
        }
        List<Records.Dependent> out = new ArrayList<>();
        direct.stream().filter(d -> !d.equals(origin)).forEach(d -> out.add(new Records.Dependent(d, true)));
        seen.stream().filter(d -> !direct.contains(d)).forEach(d -> out.add(new Records.Dependent(d, false)));
        return out;
    }
}
