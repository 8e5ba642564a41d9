package dev.kiln.content.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * The fast composer agrees with the tree YamlTree composes from SnakeYAML, value for value and position for
 * position (a collection's end aside, see BlockYaml), or declines; {@link BlockYamlCorpusIT} compares the two over
 * the whole Wolfi advisory corpus.
 */
class BlockYamlTest {

    static YamlNode snake(String text) {
        return Objects.requireNonNull(YamlTree.compose("test.yaml", text));
    }

    static void same(YamlNode fast, YamlNode slow, String where, List<String> diffs) {
        YamlNode.Location s = slow.location();
        YamlNode.Location f = fast.location();
        String at = where + "@" + s.line() + ":" + s.column();
        if (fast.getClass() != slow.getClass()) {
            diffs.add(at + ": " + fast.getClass().getSimpleName() + " vs "
                    + slow.getClass().getSimpleName());
            return;
        }
        if (f.line() != s.line() || f.column() != s.column() || f.start() != s.start()) {
            diffs.add(at + ": starts at " + f);
        }
        if (slow instanceof YamlNode.Scalar ss) {
            if (!fast.equals(ss)) {
                diffs.add(at + ": " + fast + " vs " + ss);
            }
        } else if (slow instanceof YamlNode.Mapping ms) {
            List<YamlNode.Entry> a = ((YamlNode.Mapping) fast).entries();
            List<YamlNode.Entry> b = ms.entries();
            if (a.size() != b.size()) {
                diffs.add(at + ": " + a.size() + " vs " + b.size() + " entries");
                return;
            }
            for (int i = 0; i < a.size(); i++) {
                same(a.get(i).key(), b.get(i).key(), where, diffs);
                same(a.get(i).value(), b.get(i).value(), where, diffs);
            }
        } else if (slow instanceof YamlNode.Sequence qs) {
            List<YamlNode> a = ((YamlNode.Sequence) fast).items();
            List<YamlNode> b = qs.items();
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
                "a:\n\tb: c\n",
                "a: ~\nb: null\nc: 'null'\nnull: d\n",
                "base:\n  x: 1\nc:\n  <<: *base\n",
                "a: caf\u00e9 \ud83d\ude00\nb: c\n");
        List<String> diffs = new ArrayList<>();
        for (String d : docs) {
            YamlNode n = BlockYaml.compose(d);
            if (n != null) {
                same(n, snake(d), d.replace("\n", "\\n"), diffs);
            }
        }
        assertThat(diffs).isEmpty();
        assertThat(BlockYaml.compose("a: [1, 2]\n")).isNull();
        assertThat(BlockYaml.compose("a: b\n  c\n")).isNull();
        assertThat(BlockYaml.compose("a: b: c\n")).isNull();
        assertThat(BlockYaml.compose("c:\n  <<:\n    x: 1\n")).as("a merge key").isNull();
        assertThat(BlockYaml.compose("a: caf\u00e9 \ud83d\ude00\n"))
                .as("a surrogate pair")
                .isNull();
        assertThat(BlockYaml.compose(docs.get(4))).isNotNull();
        assertThat(BlockYaml.compose(docs.get(12))).isNotNull();
    }

    @Test
    void composeFastFallsBackToSnakeYamlAndItsMessages() {
        assertThat(YamlTree.composeFast("f.yaml", "a: [1, 2]\n")).isEqualTo(YamlTree.compose("f.yaml", "a: [1, 2]\n"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> YamlTree.composeFast("f.yaml", "a: [\n"))
                .isInstanceOf(YamlSyntaxException.class)
                .hasMessageStartingWith("f.yaml:")
                .hasMessageContaining("invalid YAML: ");
    }
}
