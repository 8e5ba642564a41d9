package dev.kiln.recipe.internal;

import dev.kiln.recipe.Position;
import dev.kiln.recipe.Problem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a composed YAML node tree into typed values, collecting every problem (unknown keys,
 * wrong types) with its line and column instead of stopping at the first one.
 */
final class NodeReader {
    private final String file;
    private final List<Problem> problems = new ArrayList<>();
    private final Map<String, Position> positions = new HashMap<>();

    NodeReader(String file) {
        this.file = file;
    }

    String file() {
        return file;
    }

    List<Problem> problems() {
        return problems;
    }

    Map<String, Position> positions() {
        return positions;
    }

    static Position position(Node node) {
        if (node == null || node.getStartMark() == null) {
            return Position.UNKNOWN;
        }
        return new Position(
                node.getStartMark().getLine() + 1, node.getStartMark().getColumn() + 1);
    }

    void error(Node node, String message) {
        Position p = position(node);
        problems.add(new Problem(file, p.line(), p.column(), message));
    }

    void error(Position p, String message) {
        problems.add(new Problem(file, p.line(), p.column(), message));
    }

    static boolean isNull(Node node) {
        return node == null || node.getTag().equals(Tag.NULL);
    }

    private void mark(Node node, String path) {
        if (node != null) {
            positions.put(path, position(node));
        }
    }

    /**
     * The entries of a mapping, in file order; keys outside {@code allowed} are reported. Returns
     * an empty map for a null node or a node of another kind (after reporting it).
     */
    Map<String, Node> mapping(Node node, String path, Set<String> allowed) {
        mark(node, path);
        if (isNull(node)) {
            return Map.of();
        }
        if (!(node instanceof MappingNode m)) {
            error(node, path + ": expected a mapping, found " + kind(node));
            return Map.of();
        }
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                error(t.getKeyNode(), path + ": expected a string key, found " + kind(t.getKeyNode()));
                continue;
            }
            String key = k.getValue();
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
            out.put(key, t.getValueNode());
            mark(t.getValueNode(), child(path, key));
        }
        return out;
    }

    private static String describe(String path) {
        return path.isEmpty() ? "the recipe" : "'" + path + "'";
    }

    static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** A scalar as written (YAML numbers and booleans keep their literal text); null when absent. */
    String string(Node node, String path) {
        if (isNull(node)) {
            return null;
        }
        mark(node, path);
        if (node instanceof ScalarNode s) {
            return s.getValue();
        }
        error(node, path + ": expected a string, found " + kind(node));
        return null;
    }

    String string(Node node, String path, String fallback) {
        String s = string(node, path);
        return s == null ? fallback : s;
    }

    boolean bool(Node node, String path, boolean fallback) {
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

    Long unsigned(Node node, String path) {
        String s = string(node, path);
        if (s == null) {
            return null;
        }
        try {
            long v = Long.parseLong(s.replace("_", ""));
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        error(node, path + ": expected an unsigned integer, found '" + s + "'");
        return null;
    }

    List<Node> sequence(Node node, String path) {
        mark(node, path);
        if (isNull(node)) {
            return List.of();
        }
        if (node instanceof SequenceNode seq) {
            List<Node> items = seq.getValue();
            for (int i = 0; i < items.size(); i++) {
                mark(items.get(i), path + "[" + i + "]");
            }
            return items;
        }
        error(node, path + ": expected a list, found " + kind(node));
        return List.of();
    }

    List<String> strings(Node node, String path) {
        List<Node> items = sequence(node, path);
        List<String> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            String s = string(items.get(i), path + "[" + i + "]");
            if (s != null) {
                out.add(s);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** A map of string to scalar, in file order. */
    Map<String, String> stringMap(Node node, String path) {
        Map<String, Node> raw = mapping(node, path, null);
        Map<String, String> out = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            String s = string(v, child(path, k));
            out.put(k, s == null ? "" : s);
        });
        return Collections.unmodifiableMap(out);
    }

    static String kind(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (node instanceof ScalarNode s) {
            return "'" + s.getValue() + "'";
        }
        return "nothing";
    }
}
