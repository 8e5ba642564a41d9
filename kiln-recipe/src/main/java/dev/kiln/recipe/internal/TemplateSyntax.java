package dev.kiln.recipe.internal;

import dev.kiln.content.Position;
import dev.kiln.content.yaml.YamlNode;
import dev.kiln.content.yaml.YamlReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Finds every unterminated <code>${{</code> in the scalars of a YAML file and reports it at its own
 * line and column. The scan reads the file's text inside each scalar's marks rather than the
 * scalar's value, so the position is exact for block scalars (scripts) too, and comments, which
 * belong to no scalar, are never flagged.
 */
final class TemplateSyntax {
    private final String text;
    private final int[] lineStarts;
    private final YamlReader reader;
    private final Set<YamlNode> seen = Collections.newSetFromMap(new IdentityHashMap<>());

    private TemplateSyntax(String text, YamlReader reader) {
        this.text = text;
        this.reader = reader;
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                starts.add(i + 1);
            }
        }
        this.lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
    }

    static void check(@Nullable YamlNode root, String text, YamlReader reader) {
        if (root != null && text.contains("${{")) {
            new TemplateSyntax(text, reader).visit(root);
        }
    }

    private void visit(YamlNode node) {
        if (node == null || !seen.add(node)) {
            return;
        }
        if (node instanceof YamlNode.Mapping m) {
            for (YamlNode.Entry e : m.entries()) {
                visit(e.key());
                visit(e.value());
            }
        } else if (node instanceof YamlNode.Sequence s) {
            s.items().forEach(this::visit);
        } else if (node instanceof YamlNode.Scalar scalar && scalar.value().contains("${{")) {
            scan(scalar);
        }
    }

    private void scan(YamlNode.Scalar scalar) {
        int from = Math.min(text.length(), scalar.location().start());
        int to = Math.min(text.length(), scalar.location().end());
        for (int at = text.indexOf("${{", from); at >= 0 && at < to; at = text.indexOf("${{", at + 3)) {
            if (Substitution.isUnterminated(text, at, to)) {
                int line = lineOf(at);
                reader.error(
                        new Position(line + 1, at - lineStarts[line] + 1),
                        Substitution.describeUnterminated(text.substring(0, to), at));
            }
        }
    }

    private int lineOf(int offset) {
        int i = java.util.Arrays.binarySearch(lineStarts, offset);
        return i >= 0 ? i : -i - 2;
    }
}
