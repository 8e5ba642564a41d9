package dev.kiln.image;

import dev.kiln.apk.ApkVersion;
import dev.kiln.apk.Dependency;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves a world (package atoms) to exact packages with apk-tools' semantics (apk.md §9):
 * version operators, provides (versioned provides such as {@code so:}/{@code cmd:} act as real
 * names; unversioned ones are virtual and selected by {@code provider_priority}), conflicts
 * ({@code !name}), one package per name, the newest version that satisfies everything known at the
 * time of choice, ties broken by provider priority, repository order, then name. The result lists
 * dependencies before dependents (names sorted among equals), the order apk-tools installs in.
 */
public final class Resolver {
    private final List<RepositoryPackage> available;
    private final String arch;
    private final List<String> repositories;

    public Resolver(List<RepositoryPackage> available, String arch, List<String> repositories) {
        this.available = List.copyOf(available);
        this.arch = arch;
        this.repositories = List.copyOf(repositories);
    }

    private record Need(Dependency dep, List<String> chain) {
    }

    /** One provided name of a package: the name and the version it provides it at (null: virtual). */
    private record Provision(String name, String version) {
    }

    public List<RepositoryPackage> resolve(List<String> world) {
        Map<String, RepositoryPackage> selectedByName = new LinkedHashMap<>();
        Map<String, List<Need>> constraints = new HashMap<>();
        List<Need> conflicts = new ArrayList<>();
        Map<RepositoryPackage, List<RepositoryPackage>> dependsOn = new LinkedHashMap<>();
        Deque<Need> queue = new ArrayDeque<>();
        for (String atom : world.stream().sorted().toList()) {
            Need n = new Need(Dependency.parse(atom), List.of());
            (n.dep().isConflict() ? conflicts : constraints.computeIfAbsent(n.dep().name(), k -> new ArrayList<>())).add(n);
            if (!n.dep().isConflict()) {
                queue.add(n);
            }
        }
        Map<Need, RepositoryPackage> satisfiedBy = new HashMap<>();
        List<RepositoryPackage> order = new ArrayList<>();
        while (!queue.isEmpty()) {
            Need need = queue.poll();
            Optional<RepositoryPackage> already = order.stream().filter(p -> satisfies(p, need.dep())).findFirst();
            RepositoryPackage chosen;
            if (already.isPresent()) {
                chosen = already.get();
            } else {
                chosen = choose(need, constraints, conflicts, order);
                RepositoryPackage sameName = selectedByName.get(chosen.name());
                if (sameName != null) {
                    throw new ImageException(chain(need) + ": needs " + chosen + " but " + sameName
                            + " is already selected and does not satisfy '" + need.dep() + "'");
                }
                for (RepositoryPackage p : order) {
                    for (String atom : p.entry().depends()) {
                        Dependency d = Dependency.parse(atom);
                        if (d.isConflict() && provides(chosen, d.name()).isPresent()
                                && !satisfiesConflict(chosen, d)) {
                            throw new ImageException(chain(need) + ": " + chosen + " conflicts with " + p
                                    + ", which declares '" + d + "'");
                        }
                    }
                }
                selectedByName.put(chosen.name(), chosen);
                order.add(chosen);
                List<String> childChain = new ArrayList<>(need.chain());
                childChain.add(chosen.name());
                for (String atom : chosen.entry().depends()) {
                    Need child = new Need(Dependency.parse(atom), childChain);
                    if (child.dep().isConflict()) {
                        conflicts.add(child);
                        for (RepositoryPackage p : order) {
                            if (!satisfiesConflict(p, child.dep())) {
                                throw new ImageException(chain(child) + ": " + chosen + " conflicts with selected " + p);
                            }
                        }
                    } else {
                        constraints.computeIfAbsent(child.dep().name(), k -> new ArrayList<>()).add(child);
                        queue.add(child);
                    }
                }
            }
            satisfiedBy.put(need, chosen);
            if (!need.chain().isEmpty()) {
                RepositoryPackage parent = selectedByName.get(need.chain().get(need.chain().size() - 1));
                if (parent != null && parent != chosen) {
                    dependsOn.computeIfAbsent(parent, k -> new ArrayList<>()).add(chosen);
                }
            }
        }
        return topological(order, dependsOn);
    }

    private RepositoryPackage choose(Need need, Map<String, List<Need>> constraints, List<Need> conflicts,
            List<RepositoryPackage> selected) {
        String name = need.dep().name();
        List<RepositoryPackage> providers = available.stream().filter(p -> provides(p, name).isPresent()).toList();
        if (providers.isEmpty()) {
            throw new ImageException(chain(need) + ": no package provides it for " + arch + " in " + repositories);
        }
        List<RepositoryPackage> matching = providers.stream().filter(p -> satisfies(p, need.dep())).toList();
        if (matching.isEmpty()) {
            String newest = providers.stream().map(RepositoryPackage::toString).sorted().toList().toString();
            throw new ImageException(chain(need) + ": cannot satisfy '" + need.dep() + "' for " + arch
                    + "; available: " + newest + " (repositories " + repositories + ")");
        }
        List<RepositoryPackage> allowed = matching.stream()
                .filter(p -> constraints.getOrDefault(p.name(), List.of()).stream().allMatch(n -> satisfies(p, n.dep())))
                .filter(p -> constraints.getOrDefault(name, List.of()).stream().allMatch(n -> satisfies(p, n.dep())))
                .filter(p -> conflicts.stream().allMatch(c -> satisfiesConflict(p, c.dep())))
                .toList();
        if (allowed.isEmpty()) {
            List<String> others = new ArrayList<>();
            constraints.getOrDefault(name, List.of()).forEach(n -> others.add(chain(n)));
            conflicts.stream().filter(c -> matching.stream().anyMatch(p -> !satisfiesConflict(p, c.dep())))
                    .forEach(c -> others.add(chain(c)));
            throw new ImageException(chain(need) + ": conflicting constraints for " + arch + ": candidates "
                    + matching + " are ruled out by " + others);
        }
        boolean realName = allowed.stream().anyMatch(p -> p.name().equals(name));
        List<RepositoryPackage> pool = realName ? allowed.stream().filter(p -> p.name().equals(name)).toList() : allowed;
        if (!realName) {
            boolean anyVersioned = pool.stream().anyMatch(p -> provides(p, name).get().version() != null);
            if (!anyVersioned && pool.stream().map(RepositoryPackage::name).distinct().count() > 1
                    && pool.stream().allMatch(p -> p.entry().providerPriority() == null)) {
                throw new ImageException(chain(need) + ": virtual package provided by "
                        + pool.stream().map(RepositoryPackage::name).distinct().sorted().toList()
                        + " with no provider_priority; name one of them");
            }
        }
        Comparator<RepositoryPackage> best = Comparator
                .comparing((RepositoryPackage p) -> providedVersion(p, name), Resolver::compareVersions)
                .thenComparing(RepositoryPackage::version, Resolver::compareVersions)
                .thenComparing(p -> p.entry().providerPriority() == null ? 0 : p.entry().providerPriority())
                .thenComparing(Comparator.comparingInt(RepositoryPackage::repositoryOrder).reversed())
                .thenComparing(Comparator.comparing(RepositoryPackage::name).reversed());
        return pool.stream().max(best).orElseThrow();
    }

    private static int compareVersions(String a, String b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        return ApkVersion.compare(a, b);
    }

    private static String providedVersion(RepositoryPackage p, String name) {
        return provides(p, name).map(Provision::version).orElse(null);
    }

    private static Optional<Provision> provides(RepositoryPackage p, String name) {
        if (p.name().equals(name)) {
            return Optional.of(new Provision(name, p.version()));
        }
        for (String atom : p.entry().provides()) {
            Dependency d = Dependency.parse(atom);
            if (d.name().equals(name)) {
                return Optional.of(new Provision(name, d.version()));
            }
        }
        return Optional.empty();
    }

    private static boolean satisfies(RepositoryPackage p, Dependency dep) {
        Optional<Provision> prov = provides(p, dep.name());
        if (prov.isEmpty()) {
            return false;
        }
        if (dep.operator() == Dependency.Operator.CHECKSUM) {
            return dep.version().equals(p.entry().checksum());
        }
        if (dep.version() == null) {
            return true;
        }
        return prov.get().version() != null && dep.matches(dep.name(), prov.get().version());
    }

    private static boolean satisfiesConflict(RepositoryPackage p, Dependency conflict) {
        Dependency positive = new Dependency(conflict.name(), false, conflict.operator(), conflict.version(), null);
        return !satisfies(p, positive);
    }

    private String chain(Need n) {
        List<String> parts = new ArrayList<>(n.chain());
        parts.add((n.dep().isConflict() ? "" : "") + n.dep());
        return String.join(" → ", parts.isEmpty() ? List.of(n.dep().toString()) : parts);
    }

    private static List<RepositoryPackage> topological(List<RepositoryPackage> order,
            Map<RepositoryPackage, List<RepositoryPackage>> dependsOn) {
        List<RepositoryPackage> sorted = new ArrayList<>(order);
        sorted.sort(Comparator.comparing(RepositoryPackage::name));
        List<RepositoryPackage> out = new ArrayList<>();
        java.util.Set<RepositoryPackage> visiting = new java.util.HashSet<>();
        for (RepositoryPackage p : sorted) {
            visit(p, dependsOn, out, visiting);
        }
        return out;
    }

    private static void visit(RepositoryPackage p, Map<RepositoryPackage, List<RepositoryPackage>> dependsOn,
            List<RepositoryPackage> out, java.util.Set<RepositoryPackage> visiting) {
        if (out.contains(p) || !visiting.add(p)) {
            return; // cycles are legal in apk; the first visit decides the order
        }
        List<RepositoryPackage> deps = new ArrayList<>(dependsOn.getOrDefault(p, List.of()));
        deps.sort(Comparator.comparing(RepositoryPackage::name));
        for (RepositoryPackage d : deps) {
            visit(d, dependsOn, out, visiting);
        }
        out.add(p);
    }
}
