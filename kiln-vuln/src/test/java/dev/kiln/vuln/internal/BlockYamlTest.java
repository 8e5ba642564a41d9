package dev.kiln.vuln.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The fast composer agrees with SnakeYAML, value for value and mark for mark, or declines; {@link BlockYamlCorpusIT}
 * compares the two over the whole Wolfi advisory corpus.
 */
class BlockYamlTest {

    static Node snake(String text) {
        LoaderOptions o = new LoaderOptions();
        o.setCodePointLimit(Integer.MAX_VALUE);
        return new Yaml(o).compose(new StringReader(text));
    }

    static void same(Node fast, Node slow, String where, List<String> diffs) {
        String at = where + "@" + slow.getStartMark().getLine() + ":"
                + slow.getStartMark().getColumn();
        if (fast.getClass() != slow.getClass()) {
            diffs.add(at + ": " + fast.getClass().getSimpleName() + " vs "
                    + slow.getClass().getSimpleName());
            return;
        }
        if (fast.getStartMark().getLine() != slow.getStartMark().getLine()
                || fast.getStartMark().getColumn() != slow.getStartMark().getColumn()) {
            diffs.add(at + ": starts at " + fast.getStartMark().getLine() + ":"
                    + fast.getStartMark().getColumn());
        }
        if (slow instanceof ScalarNode s) {
            ScalarNode f = (ScalarNode) fast;
            if (!f.getValue().equals(s.getValue())) {
                diffs.add(at + ": value '" + f.getValue() + "' vs '" + s.getValue() + "'");
            }
            if (f.getEndMark().getLine() != s.getEndMark().getLine()
                    || f.getEndMark().getColumn() != s.getEndMark().getColumn()) {
                diffs.add(at + ": ends at " + f.getEndMark().getLine() + ":"
                        + f.getEndMark().getColumn() + " vs " + s.getEndMark().getLine() + ":"
                        + s.getEndMark().getColumn());
            }
        } else if (slow instanceof MappingNode s) {
            List<NodeTuple> a = ((MappingNode) fast).getValue();
            List<NodeTuple> b = s.getValue();
            if (a.size() != b.size()) {
                diffs.add(at + ": " + a.size() + " vs " + b.size() + " entries");
                return;
            }
            for (int i = 0; i < a.size(); i++) {
                same(a.get(i).getKeyNode(), b.get(i).getKeyNode(), where, diffs);
                same(a.get(i).getValueNode(), b.get(i).getValueNode(), where, diffs);
            }
        } else if (slow instanceof SequenceNode s) {
            List<Node> a = ((SequenceNode) fast).getValue();
            List<Node> b = s.getValue();
            if (a.size() != b.size()) {
                diffs.add(at + ": " + a.size() + " vs " + b.size() + " items");
                return;
            }
            for (int i = 0; i < a.size(); i++) {
                same(a.get(i), b.get(i), where, diffs);
            }
        }
    }

    @Test
    void edgeCasesAgreeOrDecline() {
        List<String> docs = List.of(
                "a: 1\nb:\n  - x\n  - 'y''s' # c\nc:\n- z\n",
                "a: |\n  one\n\n  two\n\nb: |-\n  x\nc: |+\n  k\n\n",
                "a: |\n  text",
                "k: v #c\nn:\nm: \"q\"\n",
                "s:\n  - id: 1\n    ev:\n      - t: x\n        d:\n          n: |-\n            hi\n\n  - id: 2\n    e: f\n",
                "a: [1, 2]\n",
                "a: &x 1\n",
                "a: b\n  c\n",
                "a: \"x\\ny\"\n",
                "a: b: c\n",
                "- a\n- b\n",
                "a:\n\tb: c\n");
        List<String> diffs = new ArrayList<>();
        for (String d : docs) {
            Node n = BlockYaml.compose(d);
            if (n != null) {
                same(n, snake(d), d.replace("\n", "\\n"), diffs);
            }
        }
        assertThat(diffs).isEmpty();
        assertThat(BlockYaml.compose("a: [1, 2]\n")).isNull();
        assertThat(BlockYaml.compose("a: b\n  c\n")).isNull();
        assertThat(BlockYaml.compose("a: b: c\n")).isNull();
        assertThat(BlockYaml.compose(docs.get(4))).isNotNull();
    }
}
