package dev.kiln.apk;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Resolves a world (package atoms) to exact packages with apk-tools' semantics (apk.md §9):
 * version operators, provides (versioned provides such as {@code so:}/{@code cmd:} act as real
 * names; unversioned ones are virtual and selected by {@code provider_priority}), conflicts
 * ({@code !name}), one package per name, the newest version that satisfies everything known at the
 * time of choice, ties broken by provider priority, repository order, then name. The result lists
 * dependencies before dependents (names sorted among equals), the order apk-tools installs in.
 *
 * <p>The one resolver of Kiln: the image assembler resolves repository indexes with it, and the
 * rebuild graph resolves build environments against the packages a catalog of recipes will build.
 * An instance indexes its packages by provided name once, so resolving many worlds is cheap; it
 * is not changed by resolving, so threads may share it.
 */
public final class Resolver {
    private final List<RepositoryPackage> available;
    private final String arch;
    private final List<String> repositories;
    /** Provided name → packages providing it, in {@code available} order. */
    private final Map<String, List<RepositoryPackage>> providersByName = new HashMap<>();

    private final IdentityHashMap<RepositoryPackage, List<Provision>> provisions = new IdentityHashMap<>();
    /** Each package's depends atoms, parsed once: resolving many worlds selects the same packages again and again. */
    private final IdentityHashMap<RepositoryPackage, List<Atom>> depends = new IdentityHashMap<>();

    public Resolver(List<RepositoryPackage> available, String arch, List<String> repositories) {
        this.available = List.copyOf(available);
        this.arch = arch;
        this.repositories = List.copyOf(repositories);
        for (RepositoryPackage p : this.available) {
            List<Provision> own = new ArrayList<>();
            own.add(new Provision(p.name(), p.version()));
            for (String atom : p.entry().provides()) {
                Dependency d;
                try {
                    d = Dependency.parse(atom);
                } catch (ApkException e) {
                    continue; // a provides that does not parse provides nothing
                }
                if (!d.name().equals(p.name())) {
                    own.add(new Provision(d.name(), d.version()));
                }
            }
            provisions.put(p, own);
            depends.put(p, p.entry().depends().stream().map(Atom::of).toList());
            own.stream()
                    .map(Provision::name)
                    .distinct()
                    .forEach(n -> providersByName
                            .computeIfAbsent(n, k -> new ArrayList<>())
                            .add(p));
        }
    }

    private record Need(
            Dependency dep, List<String> chain, @Nullable RepositoryPackage parent, String atom) {}

    /** A depends atom as written, and what it parsed to (or why it did not). */
    private record Atom(
            String text, @Nullable Dependency dep, @Nullable ApkException error) {
        static Atom of(String text) {
            try {
                return new Atom(text, Dependency.parse(text), null);
            } catch (ApkException e) {
                return new Atom(text, null, e);
            }
        }
    }

    /** One provided name of a package: the name and the version it provides it at (null: virtual). */
    private record Provision(String name, @Nullable String version) {}

    /** Why a package was selected: the atom that pulled it in, and the package that depends on it (null: the world). */
    public record Pull(@Nullable RepositoryPackage parent, String atom) {}

    /** An atom that could not be satisfied: the chain of names leading to it and the reason. */
    public record Unresolved(List<String> chain, String atom, String reason) {
        public Unresolved {
            chain = List.copyOf(chain);
        }

        @Override
        public String toString() {
            return reason;
        }
    }

    /**
     * What {@link #resolveAvailable} found: the packages in install order, why each was pulled in,
     * and the atoms it had to leave out.
     */
    public record Resolution(
            List<RepositoryPackage> packages, Map<RepositoryPackage, Pull> pulls, List<Unresolved> unresolved) {
        // the copy keeps the resolver's identity keys; callers see a read-only Map
        @SuppressWarnings("IdentityHashMapUsage")
        public Resolution {
            packages = List.copyOf(packages);
            pulls = Collections.unmodifiableMap(new IdentityHashMap<>(pulls));
            unresolved = List.copyOf(unresolved);
        }

        /** The chain of pulls from a world atom down to {@code p}, world end first. */
        public List<Pull> chainTo(RepositoryPackage p) {
            List<Pull> out = new ArrayList<>();
            for (RepositoryPackage at = p; at != null && out.size() <= packages.size(); ) {
                Pull pull = pulls.get(at);
                if (pull == null) {
                    break;
                }
                out.add(0, pull);
                at = pull.parent();
            }
            return out;
        }
    }

    /** Resolves {@code world} completely or throws a {@link ResolveException} naming the chain to the failing atom. */
    public List<RepositoryPackage> resolve(List<String> world) {
        return new Run(true).resolve(world).packages();
    }

    /**
     * Resolves what can be resolved: an atom that no package satisfies (or that conflicts) is
     * recorded in {@link Resolution#unresolved()} and left out, and resolution goes on. For
     * questions about a world rather than installing it (which packages a build environment
     * pulls in, given what a catalog can build).
     */
    public Resolution resolveAvailable(List<String> world) {
        return new Run(false).resolve(world);
    }

    /** The state of one resolution. */
    private final class Run {
        private final boolean strict;
        private final Map<String, RepositoryPackage> selectedByName = new LinkedHashMap<>();
        private final Map<String, List<RepositoryPackage>> selectedByProvided = new HashMap<>();
        private final Map<String, List<Need>> constraints = new HashMap<>();
        private final List<Need> conflicts = new ArrayList<>();
        private final IdentityHashMap<RepositoryPackage, List<RepositoryPackage>> dependsOn = new IdentityHashMap<>();
        private final IdentityHashMap<RepositoryPackage, Pull> pulls = new IdentityHashMap<>();
        private final List<RepositoryPackage> order = new ArrayList<>();
        private final List<Unresolved> unresolved = new ArrayList<>();

        Run(boolean strict) {
            this.strict = strict;
        }

        Resolution resolve(List<String> world) {
            Deque<Need> queue = new ArrayDeque<>();
            for (String atom : world.stream().sorted().toList()) {
                Dependency dep = parse(atom, List.of());
                if (dep == null) {
                    continue;
                }
                Need n = new Need(dep, List.of(), null, atom);
                (dep.isConflict() ? conflicts : constraints.computeIfAbsent(dep.name(), k -> new ArrayList<>())).add(n);
                if (!dep.isConflict()) {
                    queue.add(n);
                }
            }
            while (!queue.isEmpty()) {
                Need need = queue.poll();
                RepositoryPackage chosen = alreadySelected(need.dep());
                if (chosen == null) {
                    chosen = choose(need);
                    if (chosen == null) {
                        continue;
                    }
                    RepositoryPackage sameName = selectedByName.get(chosen.name());
                    if (sameName != null) {
                        fail(
                                need,
                                chain(need) + ": needs " + chosen + " but " + sameName
                                        + " is already selected and does not satisfy '" + need.dep() + "'");
                        continue;
                    }
                    select(chosen, need, queue);
                }
                // the same index entry, not an equal one: packages are keyed by identity throughout
                @SuppressWarnings("ReferenceEquality")
                boolean fromOther = need.parent() != null && need.parent() != chosen;
                if (fromOther) {
                    dependsOn
                            .computeIfAbsent(need.parent(), k -> new ArrayList<>())
                            .add(chosen);
                }
            }
            return new Resolution(topological(order, dependsOn), pulls, unresolved);
        }

        private void select(RepositoryPackage chosen, Need need, Deque<Need> queue) {
            selectedByName.put(chosen.name(), chosen);
            provisionsOf(chosen).stream()
                    .map(Provision::name)
                    .distinct()
                    .forEach(n -> selectedByProvided
                            .computeIfAbsent(n, k -> new ArrayList<>())
                            .add(chosen));
            order.add(chosen);
            pulls.put(chosen, new Pull(need.parent(), need.atom()));
            List<String> childChain = new ArrayList<>(need.chain());
            childChain.add(chosen.name());
            for (Atom a : dependsOf(chosen)) {
                ApkException error = a.error();
                Dependency dep = error == null ? a.dep() : invalid(a.text(), error, childChain);
                if (dep == null) {
                    continue;
                }
                Need child = new Need(dep, childChain, chosen, a.text());
                if (dep.isConflict()) {
                    conflicts.add(child);
                    for (RepositoryPackage p : order) {
                        if (!satisfiesConflict(p, dep)) {
                            fail(child, chain(child) + ": " + chosen + " conflicts with selected " + p);
                        }
                    }
                } else {
                    constraints
                            .computeIfAbsent(dep.name(), k -> new ArrayList<>())
                            .add(child);
                    queue.add(child);
                }
            }
        }

        /** The first selected package (in selection order) that satisfies {@code dep}, or null. */
        private @Nullable RepositoryPackage alreadySelected(Dependency dep) {
            for (RepositoryPackage p : selectedByProvided.getOrDefault(dep.name(), List.of())) {
                if (satisfies(p, dep)) {
                    return p;
                }
            }
            return null;
        }

        private @Nullable RepositoryPackage choose(Need need) {
            String name = need.dep().name();
            List<RepositoryPackage> providers = providersByName.getOrDefault(name, List.of());
            if (providers.isEmpty()) {
                return fail(need, chain(need) + ": no package provides it for " + arch + " in " + repositories);
            }
            List<RepositoryPackage> matching =
                    providers.stream().filter(p -> satisfies(p, need.dep())).toList();
            if (matching.isEmpty()) {
                String newest = providers.stream()
                        .map(RepositoryPackage::toString)
                        .sorted()
                        .toList()
                        .toString();
                return fail(
                        need,
                        chain(need) + ": cannot satisfy '" + need.dep() + "' for " + arch + "; available: " + newest
                                + " (repositories " + repositories + ")");
            }
            List<RepositoryPackage> allowed = matching.stream()
                    .filter(p -> constraints.getOrDefault(p.name(), List.of()).stream()
                            .allMatch(n -> satisfies(p, n.dep())))
                    .filter(p ->
                            constraints.getOrDefault(name, List.of()).stream().allMatch(n -> satisfies(p, n.dep())))
                    .filter(p -> conflicts.stream().allMatch(c -> satisfiesConflict(p, c.dep())))
                    .toList();
            if (allowed.isEmpty()) {
                List<String> others = new ArrayList<>();
                constraints.getOrDefault(name, List.of()).forEach(n -> others.add(chain(n)));
                conflicts.stream()
                        .filter(c -> matching.stream().anyMatch(p -> !satisfiesConflict(p, c.dep())))
                        .forEach(c -> others.add(chain(c)));
                return fail(
                        need,
                        chain(need) + ": conflicting constraints for " + arch + ": candidates " + matching
                                + " are ruled out by " + others);
            }
            if (allowed.size() == 1) {
                return allowed.get(0); // the usual case: nothing to weigh
            }
            boolean realName = allowed.stream().anyMatch(p -> p.name().equals(name));
            List<RepositoryPackage> pool = realName
                    ? allowed.stream().filter(p -> p.name().equals(name)).toList()
                    : allowed;
            if (!realName) {
                boolean anyVersioned =
                        pool.stream().anyMatch(p -> provided(p, name).version() != null);
                if (!anyVersioned
                        && pool.stream().map(RepositoryPackage::name).distinct().count() > 1
                        && pool.stream().allMatch(p -> p.entry().providerPriority() == null)) {
                    return fail(
                            need,
                            chain(need) + ": virtual package provided by "
                                    + pool.stream()
                                            .map(RepositoryPackage::name)
                                            .distinct()
                                            .sorted()
                                            .toList()
                                    + " with no provider_priority; name one of them");
                }
            }
            Comparator<RepositoryPackage> best = Comparator.comparing(
                            (RepositoryPackage p) -> provided(p, name).version(), Resolver::compareVersions)
                    .thenComparing(RepositoryPackage::version, Resolver::compareVersions)
                    .thenComparing(p ->
                            p.entry().providerPriority() == null ? 0 : p.entry().providerPriority())
                    .thenComparing(Comparator.comparingInt(RepositoryPackage::repositoryOrder)
                            .reversed())
                    .thenComparing(Comparator.comparing(RepositoryPackage::name).reversed());
            return pool.stream().max(best).orElseThrow();
        }

        private @Nullable Dependency parse(String atom, List<String> chain) {
            try {
                return Dependency.parse(atom);
            } catch (ApkException e) {
                return invalid(atom, e, chain);
            }
        }

        /** An atom that does not parse: rethrown when strict, else recorded; null either way for the caller to skip. */
        private @Nullable Dependency invalid(String atom, ApkException e, List<String> chain) {
            if (strict) {
                throw e;
            }
            List<String> parts = new ArrayList<>(chain);
            parts.add(atom);
            unresolved.add(new Unresolved(chain, atom, String.join(" → ", parts) + ": " + e.getMessage()));
            return null;
        }

        /** Throws when strict; otherwise records the atom as unresolved and returns null so the caller skips it. */
        private @Nullable RepositoryPackage fail(Need need, String message) {
            if (strict) {
                throw new ResolveException(message);
            }
            unresolved.add(new Unresolved(need.chain(), need.atom(), message));
            return null;
        }
    }

    private static int compareVersions(@Nullable String a, @Nullable String b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        return ApkVersion.compare(a, b);
    }

    /** How {@code p} provides {@code name}, or null when it does not. */
    private @Nullable Provision provision(RepositoryPackage p, String name) {
        for (Provision prov : provisionsOf(p)) {
            if (prov.name().equals(name)) {
                return prov;
            }
        }
        return null;
    }

    /** How {@code p} provides {@code name}, for a package already known to provide it (it satisfied a need). */
    private Provision provided(RepositoryPackage p, String name) {
        return Objects.requireNonNull(provision(p, name), () -> p + " does not provide " + name);
    }

    // Every available package gets its provisions and depends in the constructor; the resolver only
    // meets packages from that list.
    private List<Provision> provisionsOf(RepositoryPackage p) {
        return Objects.requireNonNull(provisions.get(p), () -> p + " is not an available package");
    }

    private List<Atom> dependsOf(RepositoryPackage p) {
        return Objects.requireNonNull(depends.get(p), () -> p + " is not an available package");
    }

    private boolean satisfies(RepositoryPackage p, Dependency dep) {
        Provision prov = provision(p, dep.name());
        if (prov == null) {
            return false;
        }
        if (dep.operator() == Dependency.Operator.CHECKSUM) {
            return p.entry().checksum().equals(dep.version());
        }
        if (dep.version() == null) {
            return true;
        }
        return prov.version() != null && dep.matches(dep.name(), prov.version());
    }

    private boolean satisfiesConflict(RepositoryPackage p, Dependency conflict) {
        Dependency positive = new Dependency(conflict.name(), false, conflict.operator(), conflict.version(), null);
        return !satisfies(p, positive);
    }

    private static String chain(Need n) {
        List<String> parts = new ArrayList<>(n.chain());
        parts.add(n.dep().toString());
        return String.join(" → ", parts);
    }

    private static List<RepositoryPackage> topological(
            List<RepositoryPackage> order, Map<RepositoryPackage, List<RepositoryPackage>> dependsOn) {
        List<RepositoryPackage> sorted = new ArrayList<>(order);
        sorted.sort(Comparator.comparing(RepositoryPackage::name));
        List<RepositoryPackage> out = new ArrayList<>();
        Set<RepositoryPackage> visiting = Collections.newSetFromMap(new IdentityHashMap<>());
        for (RepositoryPackage p : sorted) {
            visit(p, dependsOn, out, visiting);
        }
        return out;
    }

    private static void visit(
            RepositoryPackage p,
            Map<RepositoryPackage, List<RepositoryPackage>> dependsOn,
            List<RepositoryPackage> out,
            Set<RepositoryPackage> visiting) {
        if (!visiting.add(p)) {
            return; // placed already, or a cycle (legal in apk): the first visit decides the order
        }
        List<RepositoryPackage> deps = new ArrayList<>(dependsOn.getOrDefault(p, List.of()));
        deps.sort(Comparator.comparing(RepositoryPackage::name));
        for (RepositoryPackage d : deps) {
            visit(d, dependsOn, out, visiting);
        }
        out.add(p);
    }
}
