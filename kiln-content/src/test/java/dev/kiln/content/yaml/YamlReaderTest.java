package dev.kiln.content.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.content.Position;
import dev.kiln.content.Problem;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class YamlReaderTest {
    @Test
    void everyProblemOfADocumentIsCollectedWithFileLineAndColumn() {
        String text = "name: hello\nversion: [1]\ncolour: red\nname: again\nepoch: -1\nflag: maybe\n";
        YamlReader r = new YamlReader("hello.yaml", "the recipe");
        Map<String, YamlNode> m =
                r.mapping(YamlTree.compose("hello.yaml", text), "", Set.of("name", "version", "epoch", "flag"));
        assertThat(r.string(m.get("version"), "version")).isNull();
        assertThat(r.unsigned(m.get("epoch"), "epoch")).isNull();
        assertThat(r.bool(m.get("flag"), "flag", true)).isTrue();
        assertThat(r.problems())
                .extracting(Problem::toString)
                .containsExactly(
                        "hello.yaml:3:1: unknown key 'colour' in the recipe (expected one of: epoch, flag, name,"
                                + " version)",
                        "hello.yaml:4:1: duplicate key 'name' in the recipe",
                        "hello.yaml:2:10: version: expected a string, found a list",
                        "hello.yaml:5:8: epoch: expected an unsigned integer, found '-1'",
                        "hello.yaml:6:7: flag: expected true or false, found 'maybe'");
        assertThat(r.positions()).containsEntry("name", new Position(1, 7));
    }

    @Test
    void mergeKeysAddWhatTheMappingDoesNotSetAndAnEarlierSourceWins() {
        String text = """
                base: &base
                  a: from-base
                  b: from-base
                other: &other
                  b: from-other
                  c: from-other
                one:
                  <<: *base
                  a: own
                many:
                  <<: [*base, *other]
                  d: own
                """;
        YamlReader r = new YamlReader("m.yaml", "the document");
        Map<String, YamlNode> root = r.mapping(YamlTree.compose("m.yaml", text), "", null);
        assertThat(r.stringMap(root.get("one"), "one"))
                .containsExactly(Map.entry("b", "from-base"), Map.entry("a", "own"));
        assertThat(r.stringMap(root.get("many"), "many"))
                .containsExactly(
                        Map.entry("a", "from-base"),
                        Map.entry("b", "from-base"),
                        Map.entry("c", "from-other"),
                        Map.entry("d", "own"));
        assertThat(r.problems()).isEmpty();
        // a merged entry keeps the position where it was written
        assertThat(r.positions()).containsEntry("one.b", new Position(3, 6));
    }

    @Test
    void aMergeOfSomethingElseThanAMappingIsASyntaxError() {
        assertThatThrownBy(() -> YamlTree.compose("m.yaml", "a: &x [1]\nb:\n  <<: *x\n"))
                .isInstanceOf(YamlSyntaxException.class)
                .hasMessageStartingWith("m.yaml:1:")
                .hasMessageEndingWith(": a merge key '<<' takes a mapping or a list of mappings");
        assertThatThrownBy(() -> YamlTree.compose("bad.yaml", "a: [1\nb: 2\n"))
                .isInstanceOf(YamlSyntaxException.class)
                .hasMessageStartingWith("bad.yaml:2:2: invalid YAML: ");
    }

    @Test
    void scalarsKeepTheirTextStyleAndExtent() {
        String text = "a: 'x'\nb: \"ü😀\"\nc: 010\nd: ~\ne:\n";
        YamlNode.Mapping m = (YamlNode.Mapping) YamlTree.compose("s.yaml", text);
        YamlNode.Scalar b = (YamlNode.Scalar) m.get("b");
        assertThat(b.style()).isEqualTo(YamlNode.Style.DOUBLE_QUOTED);
        assertThat(text.substring(b.location().start(), b.location().end())).isEqualTo("\"ü😀\"");
        assertThat(((YamlNode.Scalar) m.get("a")).style()).isEqualTo(YamlNode.Style.SINGLE_QUOTED);
        assertThat(((YamlNode.Scalar) m.get("c")).value()).isEqualTo("010");
        assertThat(YamlNode.isNull(m.get("d"))).isTrue();
        assertThat(YamlNode.isNull(m.get("e"))).isTrue();
        assertThat(YamlNode.isNull(m.get("missing"))).isTrue();
        assertThat(YamlTree.compose("empty.yaml", "")).isNull();
    }

    @Test
    void requiredNamesTheMissingKeyAtItsParent() {
        YamlReader r = new YamlReader("a.yaml", "the advisory document");
        YamlNode root = YamlTree.compose("a.yaml", "package:\n  name: ''\n");
        Map<String, YamlNode> m = r.mapping(root, "", null);
        Map<String, YamlNode> pkg = r.mapping(m.get("package"), "package", null);
        r.required(m.get("package"), pkg, "package", "name");
        assertThat(r.problems())
                .extracting(Problem::toString)
                .containsExactly("a.yaml:2:3: package: 'name' is required");
        assertThat(List.copyOf(r.strings(YamlTree.compose("l.yaml", "[a, b]"), "l")))
                .containsExactly("a", "b");
    }
}
