package dev.kiln.update.internal;

import dev.kiln.update.UpdateException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The YAML node tree of a recipe with character offsets, so that edits touch only the bytes of
 * the scalars they change (melange's bump works the same way on its node tree).
 */
public final class RecipeNodes {
    private final String file;
    private final String text;
    private final Node root;

    /** A scalar's extent in the text: [start, end), the style character ('"', '\'' or 0 for plain). */
    public record Span(int start, int end, char quote, int line, int column, String value) {}

    /** A pipeline step ({@code uses:} something) and its {@code with} entries. */
    public record StepNode(String uses, int start, int end, int column, MappingNode with, MappingNode node) {}

    public RecipeNodes(String file, String text) {
        this.file = file;
        this.text = text;
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(8 * 1024 * 1024);
        try {
            this.root = new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
        } catch (YAMLException e) {
            throw new UpdateException(file, "invalid YAML: " + e.getMessage());
        }
    }

    public String text() {
        return text;
    }

    /** The scalar at a dotted path such as {@code package.version}, or null. */
    public Span scalar(String path) {
        Node n = root;
        for (String key : path.split("\\.")) {
            n = value(n, key);
        }
        return n instanceof ScalarNode s ? span(s) : null;
    }

    /** The key node of the last segment of {@code path}, for inserting a sibling line. */
    public Span key(String path) {
        int cut = path.lastIndexOf('.');
        Node parent = root;
        if (cut > 0) {
            for (String key : path.substring(0, cut).split("\\.")) {
                parent = value(parent, key);
            }
        }
        if (parent instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(path.substring(cut + 1))) {
                    return span(k);
                }
            }
        }
        return null;
    }

    public Span with(StepNode step, String key) {
        Node n = value(step.with(), key);
        return n instanceof ScalarNode s ? span(s) : null;
    }

    /** Every step using a pipeline, in file order: main pipeline, nested pipelines, then subpackages. */
    public List<StepNode> steps() {
        List<StepNode> out = new ArrayList<>();
        collect(value(root, "pipeline"), out);
        if (value(root, "subpackages") instanceof SequenceNode subs) {
            for (Node sub : subs.getValue()) {
                collect(value(sub, "pipeline"), out);
            }
        }
        return out;
    }

    private void collect(Node pipeline, List<StepNode> out) {
        if (!(pipeline instanceof SequenceNode seq)) {
            return;
        }
        for (Node step : seq.getValue()) {
            if (value(step, "uses") instanceof ScalarNode uses && step instanceof MappingNode m) {
                out.add(new StepNode(
                        uses.getValue(),
                        offset(step.getStartMark().getIndex()),
                        offset(step.getEndMark().getIndex()),
                        step.getStartMark().getColumn(),
                        value(step, "with") instanceof MappingNode w ? w : null,
                        m));
            }
            collect(value(step, "pipeline"), out);
        }
    }

    private static Node value(Node node, String key) {
        if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                    return t.getValueNode();
                }
            }
        }
        return null;
    }

    private Span span(ScalarNode s) {
        int start = offset(s.getStartMark().getIndex());
        int end = offset(s.getEndMark().getIndex());
        char quote = switch (s.getScalarStyle()) {
            case DOUBLE_QUOTED -> '"';
            case SINGLE_QUOTED -> '\'';
            default -> 0;
        };
        return new Span(
                start,
                end,
                quote,
                s.getStartMark().getLine() + 1,
                s.getStartMark().getColumn() + 1,
                s.getValue());
    }

    /** SnakeYAML counts code points; Java strings count UTF-16 units. */
    private int offset(int codePoints) {
        return text.offsetByCodePoints(0, Math.min(codePoints, text.codePointCount(0, text.length())));
    }

    public String file() {
        return file;
    }
}
