package dev.kiln.update;

import dev.kiln.apk.RepositoryPackage;
import dev.kiln.apk.Resolver;
import dev.kiln.recipe.BuildPlan;
import dev.kiln.recipe.CompileOptions;
import dev.kiln.recipe.PackagePlan;
import dev.kiln.recipe.Recipe;
import dev.kiln.recipe.RecipeCompiler;
import dev.kiln.recipe.RecipeException;
import dev.kiln.recipe.TestPlan;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Build order of a catalog from build-time dependencies, as the build would see them: each
 * recipe is compiled (vars, var-transforms and range substituted, pipeline {@code needs} added,
 * exactly the plan {@code kiln build --dry-run} shows), and its {@code environment.contents.packages}
 * are resolved by the one APK {@link Resolver} against the packages the catalog builds (see
 * {@link PlannedPackages}), runtime closure included. Every origin in that closure other than the
 * recipe itself is an edge. Names nothing in the catalog provides are external or found only by
 * a build's SCA; they are reported per recipe as unresolved.
 *
 * <p>A recipe's tests run right after its build, in environments of their own (the main test's and each
 * subpackage's {@code test.environment}): the recipes those need (Kiln's test tools, say) are ordered before it
 * too, as test edges. A cycle through a test edge is broken there first: the test then runs with the published
 * version, or reports what it lacks, while the build itself never loses a dependency.
 *
 * <p>Cycles are broken as described in {@link BuildOrder}; each broken cycle is reported whole.
 */
public final class RebuildGraph {
    /**
     * melange's naming of packages that exist to bootstrap a toolchain: a {@code -bootstrap} or
     * {@code -stageN} part ({@code cmake-bootstrap}, {@code gradle-stage0}, {@code dotnet-bootstrap-8}).
     */
    private static final Pattern BOOTSTRAP = Pattern.compile(".-(bootstrap|stage[0-9]+)(-|$)");
    // An edge is a bootstrap edge when its dependency is a bootstrap recipe, or every package of it
    // that the environment pulls in is a bootstrap package: breaking it means building with the
    // published bootstrap package, which is what such a package exists for.

    private final Map<String, Set<String>> deps; // origin -> origins it needs
    private final Map<String, Set<String>> testDeps; // origin -> origins only its tests need
    private final Map<String, Set<String>> orderDeps; // origin -> both of the above: what it is built after
    private final Set<Edge> testEdges;
    private final Map<String, String> files; // origin -> recipe file
    private final Map<String, Resolver.Resolution> environments;
    private final Map<String, List<String>> problems; // origin -> why it did not compile
    private final Resolver resolver;
    private final Set<Edge> bootstrapEdges;

    private RebuildGraph(
            Map<String, Set<String>> deps,
            Map<String, Set<String>> testDeps,
            Map<String, String> files,
            Map<String, Resolver.Resolution> environments,
            Map<String, List<String>> problems,
            Resolver resolver,
            Set<Edge> bootstrapEdges) {
        this.deps = deps;
        this.testDeps = testDeps;
        this.orderDeps = new HashMap<>();
        this.testEdges = new LinkedHashSet<>();
        deps.forEach((o, d) -> orderDeps.put(o, new TreeSet<>(d)));
        testDeps.forEach((o, d) -> d.forEach(t -> {
            orderDeps.computeIfAbsent(o, k -> new TreeSet<>()).add(t);
            testEdges.add(new Edge(o, t));
        }));
        this.files = files;
        this.environments = environments;
        this.problems = problems;
        this.resolver = resolver;
        this.bootstrapEdges = bootstrapEdges;
    }

    /** An ignored dependency {@code from → to} that closed a cycle. */
    public record Edge(String from, String to) {
        @Override
        public String toString() {
            return from + " → " + to;
        }
    }

    /**
     * A cycle broken to order the catalog: its members in dependency order ({@code members[i]}
     * needs {@code members[i+1]}, the last needs the first), starting at the edge that was
     * ignored, and whether that edge leads to a bootstrap package.
     */
    public record Cycle(List<String> members, Edge broken, boolean bootstrap) {
        public Cycle {
            members = List.copyOf(members);
        }

        @Override
        public String toString() {
            return String.join(" → ", members) + " → " + members.get(0);
        }
    }

    public record Order(List<String> origins, List<Cycle> cycles) {
        public Order {
            origins = List.copyOf(origins);
            cycles = List.copyOf(cycles);
        }

        /** The edges ignored to break {@link #cycles()}, one per cycle. */
        public List<Edge> brokenEdges() {
            return cycles.stream().map(Cycle::broken).toList();
        }
    }

    /** One resolution step: an atom and the package ({@code name-version}) it resolved to. */
    public record Link(String atom, String resolvedTo) {}

    /**
     * One hop of a dependency chain: recipe {@code from} declares the first link's atom in its
     * environment; each resolved package's runtime dependency (the next link's atom) pulls in the
     * next, and the last package is built by recipe {@code to}.
     */
    public record Hop(String from, List<Link> links, String to) {
        public Hop {
            links = List.copyOf(links);
        }

        public String environmentEntry() {
            return links.get(0).atom();
        }
    }

    /** Compiles every recipe with {@code options} and builds the graph; a recipe that does not compile has no edges. */
    public static RebuildGraph of(Collection<Recipe> recipes, RecipeCompiler compiler, CompileOptions options) {
        List<RepositoryPackage> planned = new ArrayList<>();
        Map<String, String> files = new TreeMap<>();
        Map<String, BuildPlan> plans = new LinkedHashMap<>();
        Map<String, List<String>> problems = new TreeMap<>();
        for (Recipe r : recipes) {
            String origin = r.pkg().name();
            files.put(origin, r.file());
            try {
                BuildPlan plan = compiler.compile(r, options);
                plans.put(origin, plan);
                planned.addAll(PlannedPackages.of(plan));
            } catch (RecipeException e) {
                problems.computeIfAbsent(origin, k -> new ArrayList<>()).add(e.getMessage());
                planned.add(PlannedPackages.uncompiled(r));
            }
        }
        Resolver resolver = new Resolver(planned, options.arch(), List.of(PlannedPackages.REPOSITORY));
        Map<String, Set<String>> deps = new TreeMap<>();
        Map<String, Set<String>> testDeps = new TreeMap<>();
        Map<String, Resolver.Resolution> environments = new HashMap<>();
        Set<Edge> bootstrapEdges = new LinkedHashSet<>();
        // Resolution is a function of the world, and many recipes share one (a toolchain and busybox).
        Map<List<String>, Resolver.Resolution> byWorld = new HashMap<>();
        Map<String, Boolean> bootstrapNames = new HashMap<>();
        for (String origin : files.keySet()) {
            Map<String, Boolean> onlyBootstrap =
                    new TreeMap<>(); // dependency -> all its packages here are bootstrap ones
            BuildPlan plan = plans.get(origin);
            if (plan != null) {
                Resolver.Resolution res =
                        byWorld.computeIfAbsent(plan.environmentPackages(), resolver::resolveAvailable);
                environments.put(origin, res);
                for (RepositoryPackage p : res.packages()) {
                    if (!originOf(p).equals(origin)) {
                        onlyBootstrap.merge(
                                originOf(p),
                                bootstrapNames.computeIfAbsent(
                                        p.name(), n -> BOOTSTRAP.matcher(n).find()),
                                Boolean::logicalAnd);
                    }
                }
            }
            onlyBootstrap.forEach((to, packages) -> {
                if (packages || BOOTSTRAP.matcher(to).find()) {
                    bootstrapEdges.add(new Edge(origin, to));
                }
            });
            deps.put(origin, new TreeSet<>(onlyBootstrap.keySet()));
            if (plan != null) {
                Set<String> forTests = new TreeSet<>();
                for (List<String> world : testEnvironments(plan)) {
                    byWorld.computeIfAbsent(world, resolver::resolveAvailable).packages().stream()
                            .map(RebuildGraph::originOf)
                            .filter(o -> !o.equals(origin) && !onlyBootstrap.containsKey(o))
                            .forEach(forTests::add);
                }
                testDeps.put(origin, forTests);
            }
        }
        return new RebuildGraph(deps, testDeps, files, environments, problems, resolver, bootstrapEdges);
    }

    /** The environments of the recipe's tests: the main package's and each subpackage's that has a test. */
    private static List<List<String>> testEnvironments(BuildPlan plan) {
        List<List<String>> out = new ArrayList<>();
        List<PackagePlan> packages = new ArrayList<>(List.of(plan.mainPackage()));
        packages.addAll(plan.subpackages());
        for (PackagePlan p : packages) {
            TestPlan test = p.test();
            if (test != null) {
                out.add(test.environmentPackages());
            }
        }
        return out;
    }

    /** The origin recipe of the package the resolver picks for {@code name}, or null when nothing provides it. */
    public @Nullable String originOf(String name) {
        Resolver.Resolution res = resolver.resolveAvailable(List.of(name));
        // the resolver records how it pulled in each package it picked
        return res.packages().stream()
                .filter(p -> Objects.requireNonNull(res.pulls().get(p), "pull").parent() == null)
                .map(p -> originOf(p))
                .findFirst()
                .orElse(null);
    }

    public @Nullable String fileOf(String origin) {
        return files.get(origin);
    }

    public Set<String> dependenciesOf(String origin) {
        return deps.getOrDefault(origin, Set.of());
    }

    /** The recipes whose packages only the tests of {@code origin} need (not among its build dependencies). */
    public Set<String> testDependenciesOf(String origin) {
        return testDeps.getOrDefault(origin, Set.of());
    }

    /** What {@code origin} is built after: its build dependencies and its tests'. */
    public Set<String> orderDependenciesOf(String origin) {
        return orderDeps.getOrDefault(origin, Set.of());
    }

    /** Environment atoms of {@code origin} that no recipe of the catalog provides, with the chain that led to each. */
    public List<Resolver.Unresolved> unresolved(String origin) {
        Resolver.Resolution res = environments.get(origin);
        return res == null ? List.of() : res.unresolved();
    }

    /** Recipes that did not compile (their edges are unknown), with the compiler's message. */
    public Map<String, List<String>> problems() {
        return problems;
    }

    public Order order() {
        return order(deps.keySet());
    }

    /** The build order of a subset (edges leaving the subset are ignored; they are already built). */
    public Order order(Collection<String> subset) {
        return BuildOrder.of(subset, orderDeps, bootstrapEdges, testEdges);
    }

    /**
     * The shortest chain of build-time dependencies from {@code from} to {@code to} (why {@code to}
     * is built before {@code from}), each hop explained; empty when {@code from} does not need {@code to}.
     */
    public List<Hop> why(String from, String to) {
        Map<String, String> parent = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(from));
        parent.put(from, from);
        while (!queue.isEmpty()) {
            String at = queue.poll();
            if (at.equals(to) && !at.equals(from)) {
                List<Hop> hops = new ArrayList<>();
                // every node reached has its parent recorded, back to from
                for (String x = to; !x.equals(from); x = Objects.requireNonNull(parent.get(x), x)) {
                    hops.add(0, hop(Objects.requireNonNull(parent.get(x), x), x));
                }
                return hops;
            }
            for (String n : dependenciesOf(at)) {
                if (parent.putIfAbsent(n, at) == null) {
                    queue.add(n);
                }
            }
        }
        return List.of();
    }

    private Hop hop(String from, String to) {
        // from has an edge to to, and edges come from from's resolved environment
        Resolver.Resolution res =
                Objects.requireNonNull(environments.get(from), () -> from + " has no resolved environment");
        RepositoryPackage target = res.packages().stream()
                .filter(p -> originOf(p).equals(to))
                .min(Comparator.comparingInt(p -> res.chainTo(p).size()))
                .orElseThrow();
        List<Resolver.Pull> chain = res.chainTo(target);
        List<Link> links = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            // every pull after the first was asked for by a package of the chain
            RepositoryPackage resolved = i + 1 < chain.size()
                    ? Objects.requireNonNull(chain.get(i + 1).parent(), "a pulled package names its parent")
                    : target;
            links.add(new Link(chain.get(i).atom(), resolved.toString()));
        }
        return new Hop(from, links, to);
    }

    /** Graphviz DOT: an edge from each recipe to each recipe it needs at build time. */
    public String dot() {
        StringBuilder b = new StringBuilder("digraph kiln {\n");
        deps.forEach((o, ds) -> {
            b.append("  \"").append(o).append("\";\n");
            ds.forEach(
                    d -> b.append("  \"").append(o).append("\" -> \"").append(d).append("\";\n"));
        });
        return b.append("}\n").toString();
    }

    /** The name of a dependency atom ({@code so:libfoo.so.1=1} → {@code so:libfoo.so.1}). */
    static String nameOf(String atom) {
        String a = atom.strip();
        int cut = a.length();
        for (char c : new char[] {'=', '<', '>', '~'}) {
            int i = a.indexOf(c);
            if (i >= 0) {
                cut = Math.min(cut, i);
            }
        }
        return a.substring(0, cut);
    }

    /** The recipe a package came from; an index entry without {@code o:} is its own origin, as apk reads it. */
    private static String originOf(RepositoryPackage p) {
        return Objects.requireNonNullElse(p.entry().origin(), p.entry().name());
    }
}
