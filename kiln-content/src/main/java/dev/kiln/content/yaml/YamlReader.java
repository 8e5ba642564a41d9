package dev.kiln.content.yaml;

import dev.kiln.content.Position;
import dev.kiln.content.Problem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Reads a composed YAML tree strictly into typed values, collecting every problem (unknown and duplicate keys,
 * wrong kinds, bad values) at its line and column instead of stopping at the first one, and remembering where
 * each dotted path ({@code package.version}, {@code pipeline[2].with}) was found. The one strict reader of
 * recipes, image configs and advisory documents.
 */
public final class YamlReader {
    private final String file;
    private final String document;
    private final List<Problem> problems = new ArrayList<>();
    private final Map<String, Position> positions = new HashMap<>();

    /**
     * @param document how messages name the document itself when a key at its top level is wrong, e.g.
     *     {@code the recipe}
     */
    public YamlReader(String file, String document) {
        this.file = file;
        this.document = document;
    }

    public String file() {
        return file;
    }

    /** Every problem so far, in the order found. */
    public List<Problem> problems() {
        return Collections.unmodifiableList(problems);
    }

    /** Where each path read so far starts. */
    public Map<String, Position> positions() {
        return Collections.unmodifiableMap(positions);
    }

    public void error(@Nullable YamlNode node, String message) {
        error(node == null ? Position.UNKNOWN : node.position(), message);
    }

    public void error(Position p, String message) {
        problems.add(new Problem(file, p, message));
    }

    private void mark(@Nullable YamlNode node, String path) {
        if (node != null) {
            positions.put(path, node.position());
        }
    }

    /**
     * The entries of a mapping, in file order; keys outside {@code allowed} (null allows any) and repeated keys
     * are reported and left out. An empty map for a null node or a node of another kind (after reporting it).
     */
    public Map<String, YamlNode> mapping(@Nullable YamlNode node, String path, @Nullable Set<String> allowed) {
        mark(node, path);
        if (YamlNode.isNull(node)) {
            return Map.of();
        }
        if (!(node instanceof YamlNode.Mapping m)) {
            error(node, path + ": expected a mapping, found " + YamlNode.kind(node));
            return Map.of();
        }
        Map<String, YamlNode> out = new LinkedHashMap<>();
        for (YamlNode.Entry e : m.entries()) {
            if (!(e.key() instanceof YamlNode.Scalar k)) {
                error(e.key(), describe(path) + ": expected a string key, found " + YamlNode.kind(e.key()));
                continue;
            }
            String key = k.value();
            if (allowed != null && !allowed.contains(key)) {
                error(
                        k,
                        "unknown key '" + key + "' in " + describe(path) + " (expected one of: "
                                + String.join(", ", new TreeSet<>(allowed)) + ")");
                continue;
            }
            if (out.containsKey(key)) {
                error(k, "duplicate key '" + key + "' in " + describe(path));
                continue;
            }
            out.put(key, e.value());
            mark(e.value(), child(path, key));
        }
        return out;
    }

    private String describe(String path) {
        return path.isEmpty() ? document : "'" + path + "'";
    }

    /** {@code path.key}, or {@code key} at the top level. */
    public static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** A scalar as written (YAML numbers and booleans keep their literal text); null when absent or null. */
    public @Nullable String string(@Nullable YamlNode node, String path) {
        if (YamlNode.isNull(node)) {
            return null;
        }
        mark(node, path);
        if (node instanceof YamlNode.Scalar s) {
            return s.value();
        }
        error(node, path + ": expected a string, found " + YamlNode.kind(node));
        return null;
    }

    public String string(@Nullable YamlNode node, String path, String fallback) {
        String s = string(node, path);
        return s == null ? fallback : s;
    }

    /** A present, non-empty scalar; reports {@code PARENT_PATH: 'key' is required} at {@code parent} otherwise. */
    public @Nullable String required(YamlNode parent, Map<String, YamlNode> fields, String path, String key) {
        String s = string(fields.get(key), child(path, key));
        if (s == null || s.isEmpty()) {
            error(parent, (path.isEmpty() ? document : path) + ": '" + key + "' is required");
        }
        return s;
    }

    /** YAML 1.1's and Go's spellings of true and false. */
    public boolean bool(@Nullable YamlNode node, String path, boolean fallback) {
        String s = string(node, path);
        if (s == null) {
            return fallback;
        }
        return switch (s) {
            case "true", "True", "TRUE" -> true;
            case "false", "False", "FALSE" -> false;
            default -> {
                error(node, path + ": expected true or false, found '" + s + "'");
                yield fallback;
            }
        };
    }

    /** A non-negative integer ({@code _} separators allowed); null when absent or bad (after reporting it). */
    public @Nullable Long unsigned(@Nullable YamlNode node, String path) {
        return number(node, path, true);
    }

    /** An integer, possibly negative; null when absent or bad (after reporting it). */
    public @Nullable Long integer(@Nullable YamlNode node, String path) {
        return number(node, path, false);
    }

    private @Nullable Long number(@Nullable YamlNode node, String path, boolean unsigned) {
        String s = string(node, path);
        if (s == null) {
            return null;
        }
        try {
            long v = Long.parseLong(s.replace("_", "").trim());
            if (!unsigned || v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        error(node, path + ": expected " + (unsigned ? "an unsigned integer" : "an integer") + ", found '" + s + "'");
        return null;
    }

    /** A sequence's items; an empty list for a null node or a node of another kind (after reporting it). */
    public List<YamlNode> sequence(@Nullable YamlNode node, String path) {
        mark(node, path);
        if (YamlNode.isNull(node)) {
            return List.of();
        }
        if (node instanceof YamlNode.Sequence seq) {
            List<YamlNode> items = seq.items();
            for (int i = 0; i < items.size(); i++) {
                mark(items.get(i), path + "[" + i + "]");
            }
            return items;
        }
        error(node, path + ": expected a list, found " + YamlNode.kind(node));
        return List.of();
    }

    /** A list of scalars; items that are no scalar are reported and left out. */
    public List<String> strings(@Nullable YamlNode node, String path) {
        List<YamlNode> items = sequence(node, path);
        List<String> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            String s = string(items.get(i), path + "[" + i + "]");
            if (s != null) {
                out.add(s);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** A map of string to scalar, in file order; a null value reads as the empty string. */
    public Map<String, String> stringMap(@Nullable YamlNode node, String path) {
        Map<String, YamlNode> raw = mapping(node, path, null);
        Map<String, String> out = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            String s = string(v, child(path, k));
            out.put(k, s == null ? "" : s);
        });
        return Collections.unmodifiableMap(out);
    }
}
