package dev.kiln.image.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Resolves YAML merge keys ({@code <<: *anchor}, {@code <<: [*a, *b]}) in a composed node graph, as
 * apko's YAML library (go-yaml v3) does when it decodes: the merged mapping's keys are added where
 * the {@code <<} entry stood, a key the mapping spells out itself wins over a merged one, and among
 * several merged mappings the earlier one wins. SnakeYAML only does this when it constructs Java
 * objects, and the strict readers work on nodes (for their line and column), hence this pass.
 *
 * <p>Merged entries are the anchor's own nodes, so an error in a merged value points at the line where
 * the anchor defines it. A quoted {@code "<<"} is an ordinary key (the YAML merge type applies to
 * the plain scalar only).
 */
public final class YamlMergeKeys {
    private final BiConsumer<Node, String> problem;
    private final Set<Node> done = Collections.newSetFromMap(new IdentityHashMap<>());
    /** An alias may be merged in several places; its problem is reported once. */
    private final Set<Node> reported = Collections.newSetFromMap(new IdentityHashMap<>());

    private YamlMergeKeys(BiConsumer<Node, String> problem) {
        this.problem = problem;
    }

    /** Flattens every merge key under {@code root} in place; a merge value that is not a mapping goes to {@code problem}. */
    public static void flatten(Node root, BiConsumer<Node, String> problem) {
        new YamlMergeKeys(problem).visit(root);
    }

    private void visit(Node n) {
        if (n == null || !done.add(n)) {
            return;
        }
        if (n instanceof SequenceNode seq) {
            seq.getValue().forEach(this::visit);
        } else if (n instanceof MappingNode map) {
            for (NodeTuple t : map.getValue()) {
                visit(t.getValueNode());
            }
            merge(map);
        }
    }

    private void merge(MappingNode map) {
        if (map.getValue().stream().noneMatch(YamlMergeKeys::isMerge)) {
            return;
        }
        Set<String> keys = new HashSet<>();
        for (NodeTuple t : map.getValue()) {
            if (!isMerge(t) && t.getKeyNode() instanceof ScalarNode k) {
                keys.add(k.getValue());
            }
        }
        List<NodeTuple> out = new ArrayList<>();
        for (NodeTuple t : map.getValue()) {
            if (!isMerge(t)) {
                out.add(t);
                continue;
            }
            for (MappingNode source : sources(t.getValueNode())) {
                for (NodeTuple merged : source.getValue()) {
                    if (merged.getKeyNode() instanceof ScalarNode k && keys.add(k.getValue())) {
                        out.add(merged);
                    }
                }
            }
        }
        map.setValue(out);
    }

    /** The mappings a merge value names: one mapping, or a list of mappings (earlier wins). */
    private List<MappingNode> sources(Node value) {
        List<MappingNode> out = new ArrayList<>();
        if (value instanceof MappingNode m) {
            out.add(m);
        } else if (value instanceof SequenceNode seq) {
            for (Node item : seq.getValue()) {
                if (item instanceof MappingNode m) {
                    out.add(m);
                } else {
                    report(item, "a merge key (<<) list may hold only mappings");
                }
            }
        } else {
            report(value, "a merge key (<<) must name a mapping or a list of mappings");
        }
        return out;
    }

    private void report(Node n, String message) {
        if (reported.add(n)) {
            problem.accept(n, message);
        }
    }

    private static boolean isMerge(NodeTuple t) {
        return t.getKeyNode() instanceof ScalarNode k && Tag.MERGE.equals(k.getTag());
    }
}
