package dev.kiln.update.internal;

import dev.kiln.content.yaml.YamlNode;
import dev.kiln.content.yaml.YamlSyntaxException;
import dev.kiln.content.yaml.YamlTree;
import dev.kiln.update.UpdateException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The YAML node tree of a recipe with character offsets, so that edits touch only the bytes of
 * the scalars they change (melange's bump works the same way on its node tree).
 */
public final class RecipeNodes {
    private final String file;
    private final String text;
    /** Null for an empty document. */
    private final @Nullable YamlNode root;

    /** A scalar's extent in the text: [start, end), the style character ('"', '\'' or 0 for plain). */
    public record Span(int start, int end, char quote, int line, int column, String value) {}

    /** A pipeline step ({@code uses:} something) and its {@code with} entries; {@code column} is 0-based. */
    public record StepNode(
            String uses, int start, int end, int column, YamlNode.@Nullable Mapping with, YamlNode.Mapping node) {}

    public RecipeNodes(String file, String text) {
        this.file = file;
        this.text = text;
        try {
            this.root = YamlTree.compose(file, text);
        } catch (YamlSyntaxException e) {
            throw new UpdateException(file, e.problem().message());
        }
    }

    public String text() {
        return text;
    }

    /** The scalar at a dotted path such as {@code package.version}, or null. */
    public @Nullable Span scalar(String path) {
        YamlNode n = root;
        for (String key : path.split("\\.")) {
            n = value(n, key);
        }
        return n instanceof YamlNode.Scalar s ? span(s) : null;
    }

    /** The key node of the last segment of {@code path}, for inserting a sibling line. */
    public @Nullable Span key(String path) {
        int cut = path.lastIndexOf('.');
        YamlNode parent = root;
        if (cut > 0) {
            for (String key : path.substring(0, cut).split("\\.")) {
                parent = value(parent, key);
            }
        }
        if (parent instanceof YamlNode.Mapping m) {
            for (YamlNode.Entry e : m.entries()) {
                if (e.key() instanceof YamlNode.Scalar k && k.value().equals(path.substring(cut + 1))) {
                    return span(k);
                }
            }
        }
        return null;
    }

    public @Nullable Span with(StepNode step, String key) {
        YamlNode n = value(step.with(), key);
        return n instanceof YamlNode.Scalar s ? span(s) : null;
    }

    /** Every step using a pipeline, in file order: main pipeline, nested pipelines, then subpackages. */
    public List<StepNode> steps() {
        List<StepNode> out = new ArrayList<>();
        collect(value(root, "pipeline"), out);
        if (value(root, "subpackages") instanceof YamlNode.Sequence subs) {
            for (YamlNode sub : subs.items()) {
                collect(value(sub, "pipeline"), out);
            }
        }
        return out;
    }

    private void collect(@Nullable YamlNode pipeline, List<StepNode> out) {
        if (!(pipeline instanceof YamlNode.Sequence seq)) {
            return;
        }
        for (YamlNode step : seq.items()) {
            if (value(step, "uses") instanceof YamlNode.Scalar uses && step instanceof YamlNode.Mapping m) {
                out.add(new StepNode(
                        uses.value(),
                        step.location().start(),
                        step.location().end(),
                        step.location().column() - 1,
                        value(step, "with") instanceof YamlNode.Mapping w ? w : null,
                        m));
            }
            collect(value(step, "pipeline"), out);
        }
    }

    private static @Nullable YamlNode value(@Nullable YamlNode node, String key) {
        return node instanceof YamlNode.Mapping m ? m.get(key) : null;
    }

    private static Span span(YamlNode.Scalar s) {
        char quote = switch (s.style()) {
            case DOUBLE_QUOTED -> '"';
            case SINGLE_QUOTED -> '\'';
            default -> 0;
        };
        return new Span(
                s.location().start(),
                s.location().end(),
                quote,
                s.location().line(),
                s.location().column(),
                s.value());
    }

    public String file() {
        return file;
    }
}
