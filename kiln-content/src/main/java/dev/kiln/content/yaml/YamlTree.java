package dev.kiln.content.yaml;

import dev.kiln.content.Problem;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Composes YAML text into a {@link YamlNode} tree with every node's location. Merge keys are resolved as the YAML
 * 1.1 merge type says and apko and melange (go-yaml) apply them: {@code <<: *base} or {@code <<: [*a, *b]} adds the
 * entries of the merged mappings that the mapping does not set itself, an earlier mapping of a list winning over a
 * later one; the merged entries take the place of the {@code <<} entry. Duplicate keys are kept for the reader to
 * report with their positions.
 */
public final class YamlTree {
    private static final int MAX_ALIASES = 50;
    private static final int MAX_CODE_POINTS = 8 * 1024 * 1024;

    private final String file;
    private final String text;
    private final int @Nullable [] utf16Offsets;
    private final IdentityHashMap<Node, YamlNode> converted = new IdentityHashMap<>();
    // a set of nodes by identity: an alias is the same node object, and equal nodes elsewhere are no cycle
    @SuppressWarnings("IdentityHashMapUsage")
    private final Set<Node> inProgress = Collections.newSetFromMap(new IdentityHashMap<>());

    private YamlTree(String file, String text) {
        this.file = file;
        this.text = text;
        this.utf16Offsets = text.codePointCount(0, text.length()) == text.length() ? null : codePointOffsets(text);
    }

    /**
     * The document's root node, or null for an empty document.
     *
     * @throws YamlSyntaxException naming the file, line and column of the first syntax error
     */
    public static @Nullable YamlNode compose(String file, String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setCodePointLimit(MAX_CODE_POINTS);
        Node root;
        try {
            root = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String what = e.getProblem() != null ? e.getProblem() : e.getMessage();
            throw new YamlSyntaxException(
                    new Problem(
                            file,
                            m == null ? 0 : m.getLine() + 1,
                            m == null ? 0 : m.getColumn() + 1,
                            "invalid YAML: " + what),
                    e);
        } catch (YAMLException e) {
            throw new YamlSyntaxException(new Problem(file, 0, 0, "invalid YAML: " + e.getMessage()), e);
        }
        return root == null ? null : new YamlTree(file, text).convert(root);
    }

    /**
     * As {@link #compose}, about ten times faster for text in the block-style subset that advisory documents are
     * written in (indented mappings and lists, plain, one-line quoted and literal scalars, comments): such text is
     * composed by {@link BlockYaml}, anything else by SnakeYAML. The tree is the same, values, styles and start
     * positions alike, except that a mapping or list then ends where its last value ends rather than where the
     * parser met the next token: callers that cut text by a collection's extent use {@link #compose}.
     *
     * @throws YamlSyntaxException naming the file, line and column of the first syntax error
     */
    public static @Nullable YamlNode composeFast(String file, String text) {
        YamlNode fast = BlockYaml.compose(text);
        return fast != null ? fast : compose(file, text);
    }

    private YamlNode convert(Node node) {
        YamlNode done = converted.get(node);
        if (done != null) {
            return done;
        }
        if (!inProgress.add(node)) {
            throw error(node, "an alias refers to a node that contains it");
        }
        YamlNode out;
        if (node instanceof ScalarNode s) {
            out = new YamlNode.Scalar(
                    s.getValue(), style(s.getScalarStyle()), s.getTag().equals(Tag.NULL), location(node));
        } else if (node instanceof SequenceNode seq) {
            List<YamlNode> items = new ArrayList<>(seq.getValue().size());
            for (Node item : seq.getValue()) {
                items.add(convert(item));
            }
            out = new YamlNode.Sequence(items, location(node));
        } else if (node instanceof MappingNode m) {
            out = new YamlNode.Mapping(entries(m), location(node));
        } else {
            throw error(node, "unsupported node " + node.getNodeId());
        }
        inProgress.remove(node);
        converted.put(node, out);
        return out;
    }

    private List<YamlNode.Entry> entries(MappingNode m) {
        Set<String> ownKeys = new HashSet<>();
        for (NodeTuple t : m.getValue()) {
            if (!isMergeKey(t.getKeyNode()) && t.getKeyNode() instanceof ScalarNode k) {
                ownKeys.add(k.getValue());
            }
        }
        Set<String> merged = new HashSet<>();
        List<YamlNode.Entry> out = new ArrayList<>();
        for (NodeTuple t : m.getValue()) {
            if (!isMergeKey(t.getKeyNode())) {
                out.add(new YamlNode.Entry(convert(t.getKeyNode()), convert(t.getValueNode())));
                continue;
            }
            Node value = t.getValueNode();
            List<Node> sources = value instanceof SequenceNode seq ? seq.getValue() : List.of(value);
            for (Node source : sources) {
                if (!(convert(source) instanceof YamlNode.Mapping base)) {
                    throw error(source, "a merge key '<<' takes a mapping or a list of mappings");
                }
                for (YamlNode.Entry e : base.entries()) {
                    String key = e.key() instanceof YamlNode.Scalar k ? k.value() : null;
                    if (key == null || (!ownKeys.contains(key) && merged.add(key))) {
                        out.add(e);
                    }
                }
            }
        }
        return out;
    }

    private static boolean isMergeKey(Node key) {
        return key instanceof ScalarNode && key.getTag().equals(Tag.MERGE);
    }

    private YamlSyntaxException error(Node node, String message) {
        Mark m = node.getStartMark();
        return new YamlSyntaxException(
                new Problem(file, m == null ? 0 : m.getLine() + 1, m == null ? 0 : m.getColumn() + 1, message), null);
    }

    private YamlNode.Location location(Node node) {
        Mark start = node.getStartMark();
        Mark end = node.getEndMark();
        if (start == null) {
            return YamlNode.Location.UNKNOWN;
        }
        return new YamlNode.Location(
                start.getLine() + 1,
                start.getColumn() + 1,
                offset(start.getIndex()),
                end == null ? offset(start.getIndex()) : offset(end.getIndex()));
    }

    /** The parser counts code points; Java strings count UTF-16 units. */
    private int offset(int codePoints) {
        if (utf16Offsets == null) {
            return Math.min(codePoints, text.length());
        }
        return utf16Offsets[Math.min(codePoints, utf16Offsets.length - 1)];
    }

    private static int[] codePointOffsets(String text) {
        int[] out = new int[text.codePointCount(0, text.length()) + 1];
        int i = 0;
        for (int cp = 0; cp < out.length - 1; cp++) {
            out[cp] = i;
            i += Character.charCount(text.codePointAt(i));
        }
        out[out.length - 1] = text.length();
        return out;
    }

    private static YamlNode.Style style(DumperOptions.ScalarStyle style) {
        return switch (style) {
            case SINGLE_QUOTED -> YamlNode.Style.SINGLE_QUOTED;
            case DOUBLE_QUOTED -> YamlNode.Style.DOUBLE_QUOTED;
            case LITERAL -> YamlNode.Style.LITERAL;
            case FOLDED -> YamlNode.Style.FOLDED;
            default -> YamlNode.Style.PLAIN;
        };
    }
}
