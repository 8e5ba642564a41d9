package dev.kiln.content.yaml;

import dev.kiln.content.Position;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A composed YAML node: a scalar as written, a mapping or a sequence, each with where it is in its text. Merge
 * keys ({@code <<}) are already resolved and aliases point to the node of their anchor, so readers see the
 * document as apko and melange do. Kiln's own tree, so that no SnakeYAML type crosses a module's API.
 */
public sealed interface YamlNode permits YamlNode.Scalar, YamlNode.Mapping, YamlNode.Sequence {

    Location location();

    default Position position() {
        return location().position();
    }

    /**
     * Where a node is: its first character's line and column (1-based, counted in code points as the YAML
     * parser counts them) and its extent {@code [start, end)} in the text, in UTF-16 units (Java string indexes).
     */
    record Location(int line, int column, int start, int end) {
        public static final Location UNKNOWN = new Location(0, 0, 0, 0);

        public Position position() {
            return new Position(line, column);
        }
    }

    /** How a scalar was written: the quote character tells an editor how to write a replacement. */
    enum Style {
        PLAIN,
        SINGLE_QUOTED,
        DOUBLE_QUOTED,
        LITERAL,
        FOLDED
    }

    /**
     * A scalar's text as written: YAML numbers and booleans keep their literal text. {@code isNull} when it is a
     * plain null ({@code ~}, {@code null}, or nothing at all).
     */
    record Scalar(String value, Style style, boolean isNull, Location location) implements YamlNode {
        public Scalar {
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(style, "style");
        }
    }

    /** A mapping's entries in file order; duplicate keys are kept for the reader to report. */
    record Mapping(List<Entry> entries, Location location) implements YamlNode {
        public Mapping {
            entries = List.copyOf(entries);
        }

        /** The value of the first entry whose key is the scalar {@code key}, or null. */
        public @Nullable YamlNode get(String key) {
            for (Entry e : entries) {
                if (e.key() instanceof Scalar k && k.value().equals(key)) {
                    return e.value();
                }
            }
            return null;
        }
    }

    record Entry(YamlNode key, YamlNode value) {
        public Entry {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    record Sequence(List<YamlNode> items, Location location) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }
    }

    /** True for no node and for a null scalar. */
    static boolean isNull(@Nullable YamlNode node) {
        return node == null || (node instanceof Scalar s && s.isNull());
    }

    /** How a message names a node's kind: {@code a mapping}, {@code a list}, or the scalar quoted. */
    static String kind(@Nullable YamlNode node) {
        if (node instanceof Mapping) {
            return "a mapping";
        }
        if (node instanceof Sequence) {
            return "a list";
        }
        if (node instanceof Scalar s) {
            return "'" + s.value() + "'";
        }
        return "nothing";
    }
}
