package dev.kiln.recipe.internal;

import dev.kiln.recipe.Position;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Finds every unterminated <code>${{</code> in the scalars of a YAML file and reports it at its own
 * line and column. The scan reads the file's text inside each scalar's marks rather than the
 * scalar's value, so the position is exact for block scalars (scripts) too, and comments, which
 * belong to no scalar, are never flagged.
 */
final class TemplateSyntax {
    private final String text;
    private final int[] lineStarts;
    private final NodeReader reader;
    private final Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());

    private TemplateSyntax(String text, NodeReader reader) {
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

    static void check(Node root, String text, NodeReader reader) {
        if (root != null && text.contains("${{")) {
            new TemplateSyntax(text, reader).visit(root);
        }
    }

    private void visit(Node node) {
        if (node == null || !seen.add(node)) {
            return;
        }
        if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                visit(t.getKeyNode());
                visit(t.getValueNode());
            }
        } else if (node instanceof SequenceNode s) {
            s.getValue().forEach(this::visit);
        } else if (node instanceof ScalarNode scalar && scalar.getValue().contains("${{")) {
            scan(scalar);
        }
    }

    private void scan(ScalarNode scalar) {
        int from = offset(scalar.getStartMark());
        int to = Math.min(text.length(), offset(scalar.getEndMark()));
        for (int at = text.indexOf("${{", from); at >= 0 && at < to; at = text.indexOf("${{", at + 3)) {
            if (Substitution.isUnterminated(text, at, to)) {
                int line = lineOf(at);
                reader.error(
                        new Position(line + 1, at - lineStarts[line] + 1),
                        Substitution.describeUnterminated(text.substring(0, to), at));
            }
        }
    }

    /** A mark's offset in the text, from its line and column (SnakeYAML's index counts code points). */
    private int offset(Mark mark) {
        if (mark == null || mark.getLine() >= lineStarts.length) {
            return text.length();
        }
        int lineStart = lineStarts[mark.getLine()];
        return Math.min(
                text.length(),
                text.offsetByCodePoints(
                        lineStart,
                        Math.min(mark.getColumn(), text.codePointCount(lineStart, lineEnd(mark.getLine())))));
    }

    private int lineEnd(int line) {
        return line + 1 < lineStarts.length ? lineStarts[line + 1] : text.length();
    }

    private int lineOf(int offset) {
        int i = java.util.Arrays.binarySearch(lineStarts, offset);
        return i >= 0 ? i : -i - 2;
    }
}
