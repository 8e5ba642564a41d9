package dev.kiln.update;

import dev.kiln.recipe.Recipe;
import dev.kiln.recipe.SubpackageSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Build order of a catalog from build-time dependencies: each {@code environment.contents.packages}
 * name is mapped to the recipe that provides it (its package, a subpackage, or a {@code provides}
 * name) and becomes an edge to that recipe's origin. Packages no recipe provides are external.
 *
 * <p>Cycles (a compiler built with itself, two libraries that need each other) are broken the way
 * a bootstrap would: when nothing is ready, the waiting recipe with the fewest unbuilt
 * dependencies goes next, built against the already published versions of those, and the
 * edges ignored are reported. Ties go by name, so the order is deterministic.
 */
public final class RebuildGraph {
    private static final Pattern SUBST = Pattern.compile("\\$\\{\\{\\s*([a-zA-Z0-9_.-]+)\\s*}}");
    private final Map<String, Set<String>> deps;      // origin -> origins it needs
    private final Map<String, String> providers;      // package name -> origin
    private final Map<String, String> files;          // origin -> recipe file

    private RebuildGraph(Map<String, Set<String>> deps, Map<String, String> providers, Map<String, String> files) {
        this.deps = deps;
        this.providers = providers;
        this.files = files;
    }

    /** An ignored dependency {@code from → to} that closed a cycle. */
    public record Edge(String from, String to) {
    }

    public record Order(List<String> origins, List<Edge> brokenEdges) {
        public Order {
            origins = List.copyOf(origins);
            brokenEdges = List.copyOf(brokenEdges);
        }
    }

    public static RebuildGraph of(Collection<Recipe> recipes) {
        Map<String, String> providers = new HashMap<>();
        Map<String, String> files = new TreeMap<>();
        for (Recipe r : recipes) {
            String origin = r.pkg().name();
            files.put(origin, r.file());
            for (String name : provided(r)) {
                providers.putIfAbsent(name, origin);
            }
        }
        for (Recipe r : recipes) { // a recipe's own package name always wins over another's provides
            providers.put(r.pkg().name(), r.pkg().name());
        }
        Map<String, Set<String>> deps = new TreeMap<>();
        for (Recipe r : recipes) {
            Set<String> d = new TreeSet<>();
            for (String atom : r.environment().contents().packages()) {
                String target = providers.get(nameOf(atom));
                if (target != null && !target.equals(r.pkg().name())) {
                    d.add(target);
                }
            }
            deps.put(r.pkg().name(), d);
        }
        return new RebuildGraph(deps, providers, files);
    }

    /** The origin recipe that builds {@code packageName}, or null when none does. */
    public String originOf(String packageName) {
        return providers.get(packageName);
    }

    public String fileOf(String origin) {
        return files.get(origin);
    }

    public Set<String> dependenciesOf(String origin) {
        return deps.getOrDefault(origin, Set.of());
    }

    public Order order() {
        return order(deps.keySet());
    }

    /** The build order of a subset (edges leaving the subset are ignored; they are already built). */
    public Order order(Collection<String> subset) {
        Set<String> todo = new TreeSet<>(subset);
        Map<String, Set<String>> pending = new HashMap<>();
        Map<String, Set<String>> users = new HashMap<>();
        for (String o : todo) {
            Set<String> p = new TreeSet<>(deps.getOrDefault(o, Set.of()));
            p.retainAll(todo);
            pending.put(o, p);
            p.forEach(d -> users.computeIfAbsent(d, k -> new TreeSet<>()).add(o));
        }
        TreeSet<String> ready = new TreeSet<>();
        todo.stream().filter(o -> pending.get(o).isEmpty()).forEach(ready::add);
        List<String> out = new ArrayList<>();
        List<Edge> broken = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        while (done.size() < todo.size()) {
            String next;
            if (!ready.isEmpty()) {
                next = ready.pollFirst();
            } else {
                next = cycleMember(todo, done, pending);
                for (String d : pending.get(next)) {
                    broken.add(new Edge(next, d));
                    users.getOrDefault(d, new TreeSet<>()).remove(next);
                }
                pending.get(next).clear();
            }
            done.add(next);
            out.add(next);
            for (String u : users.getOrDefault(next, Set.of())) {
                Set<String> p = pending.get(u);
                if (p.remove(next) && p.isEmpty() && !done.contains(u)) {
                    ready.add(u);
                }
            }
        }
        return new Order(out, broken);
    }

    /**
     * Nothing is ready, so every waiting recipe waits on another: following waits from the first
     * one must revisit a recipe, and the members of that cycle are the candidates to go first.
     */
    private static String cycleMember(Set<String> todo, Set<String> done, Map<String, Set<String>> pending) {
        String start = todo.stream().filter(o -> !done.contains(o)).findFirst().orElseThrow();
        List<String> path = new ArrayList<>();
        String at = start;
        while (!path.contains(at)) {
            path.add(at);
            at = pending.get(at).iterator().next();
        }
        return path.subList(path.indexOf(at), path.size()).stream()
                .min((a, b) -> pending.get(a).size() != pending.get(b).size()
                        ? Integer.compare(pending.get(a).size(), pending.get(b).size()) : a.compareTo(b))
                .orElseThrow();
    }

    /** Graphviz DOT: an edge from each recipe to each recipe it needs at build time. */
    public String dot() {
        StringBuilder b = new StringBuilder("digraph kiln {\n");
        deps.forEach((o, ds) -> {
            b.append("  \"").append(o).append("\";\n");
            ds.forEach(d -> b.append("  \"").append(o).append("\" -> \"").append(d).append("\";\n"));
        });
        return b.append("}\n").toString();
    }

    private static List<String> provided(Recipe r) {
        List<String> names = new ArrayList<>();
        Map<String, String> base = new HashMap<>();
        base.put("package.name", r.pkg().name());
        base.put("package.version", r.pkg().version());
        r.vars().forEach((k, v) -> base.put("vars." + k, v));
        names.add(r.pkg().name());
        r.pkg().dependencies().provides().forEach(p -> names.add(nameOf(subst(p, base))));
        for (SubpackageSpec s : r.subpackages()) {
            Map<String, String> items = s.range() == null ? Map.of("", "") : r.data().getOrDefault(s.range(), Map.of());
            items.forEach((key, value) -> {
                Map<String, String> vars = new HashMap<>(base);
                vars.put("range.key", key);
                vars.put("range.value", value);
                names.add(subst(s.name(), vars));
                if (s.dependencies() != null) {
                    s.dependencies().provides().forEach(p -> names.add(nameOf(subst(p, vars))));
                }
            });
        }
        return names;
    }

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

    private static String subst(String text, Map<String, String> vars) {
        if (text == null || !text.contains("${{")) {
            return text;
        }
        Matcher m = SUBST.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(vars.getOrDefault(m.group(1), m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }
}
