package dev.kiln.recipe.internal;

import dev.kiln.content.Problem;
import dev.kiln.recipe.SourceMap;
import dev.kiln.recipe.VarTransform;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Expands {@code vars} and {@code var-transforms} in dependency order (not file order, which
 * melange leaves unspecified), reporting unknown names and cycles. A transform writing to a var
 * of the same name reads the plain var in its {@code from}.
 */
final class VarResolver {
    private final Map<String, String> base;
    private final Map<String, String> plain;
    private final Map<String, VarTransform> transforms = new LinkedHashMap<>();
    private final SourceMap map;
    private final List<Problem> problems;
    private final Map<String, String> done = new HashMap<>();
    private final List<String> visiting = new ArrayList<>();

    VarResolver(
            Map<String, String> base,
            Map<String, String> plain,
            List<VarTransform> transforms,
            SourceMap map,
            List<Problem> problems) {
        this.base = base;
        this.plain = plain;
        for (VarTransform t : transforms) {
            this.transforms.put(t.to(), t);
        }
        this.map = map;
        this.problems = problems;
    }

    /** All vars as {@code vars.NAME} entries. */
    Map<String, String> resolveAll() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : plain.keySet()) {
            out.put("vars." + name, resolve(name));
        }
        for (String name : transforms.keySet()) {
            out.put("vars." + name, resolve(name));
        }
        return out;
    }

    /** The value of var {@code name}, or null when there is no such var. */
    private @Nullable String resolve(String name) {
        String key = transforms.containsKey(name) && !visiting.contains("T:" + name) ? "T:" + name : "V:" + name;
        if (key.startsWith("V:") && !plain.containsKey(name)) {
            return null;
        }
        String hit = done.get(key);
        if (hit != null) {
            return hit;
        }
        if (visiting.contains(key)) {
            List<String> cycle = new ArrayList<>(visiting.subList(visiting.indexOf(key), visiting.size()));
            cycle.add(key);
            problems.add(map.problem(
                    "vars." + name,
                    "vars: cycle between variables: "
                            + String.join(
                                    " -> ",
                                    cycle.stream().map(k -> k.substring(2)).toList())));
            done.put(key, "");
            return "";
        }
        visiting.add(key);
        String value;
        if (key.startsWith("T:")) {
            VarTransform t = Objects.requireNonNull(transforms.get(name), "a T: key names a transform");
            String from = substitute(t.from(), t.path() + ".from");
            try {
                Pattern p = GoRegex.compile(t.match());
                value = GoRegex.replaceAll(p, from, t.replace());
            } catch (IllegalArgumentException e) {
                problems.add(map.problem(
                        t.path() + ".match",
                        t.path() + ".match: invalid regular expression '" + t.match() + "': " + e.getMessage()));
                value = from;
            }
        } else {
            value = substitute(Objects.requireNonNull(plain.get(name), "a V: key names a plain var"), "vars." + name);
        }
        visiting.remove(visiting.size() - 1);
        done.put(key, value);
        return value;
    }

    private String substitute(String text, String where) {
        try {
            return Substitution.apply(text, k -> k.startsWith("vars.") ? resolve(k.substring(5)) : base.get(k), false);
        } catch (Substitution.UnknownVariable e) {
            problems.add(map.problem(where, where + ": unknown variable ${{" + e.name() + "}}"));
            return text;
        } catch (Substitution.Unterminated e) {
            problems.add(map.problem(where, where + ": " + e.getMessage()));
            return text;
        }
    }
}
