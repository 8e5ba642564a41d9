package dev.kiln.vuln;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.vuln.internal.AdvisoryYaml;
import dev.kiln.vuln.internal.AdvisoryYaml.AdvisorySpan;
import org.junit.jupiter.api.Test;

/**
 * The decoder reads the tree kiln-content composes alike whether the block-style fast path or SnakeYAML composed
 * it, and names repeated fields and syntax errors with file and line.
 */
class AdvisoryDecodingTest {
    @Test
    void blockStyleDecodesAsFlowStyleDoes() {
        // the document's flow list sends it to SnakeYAML; written as a block list it takes the fast path
        String flow = AdvisoryEditingTest.DOC;
        String block = flow.replace("aliases: [CVE-2023-45853]", "aliases:\n      - CVE-2023-45853");
        assertThat(block).isNotEqualTo(flow);
        AdvisoryYaml.Result slow = AdvisoryYaml.decode(flow, "zlib.advisories.yaml", AdvisoryEditingTest.CLOCK);
        AdvisoryYaml.Result fast = AdvisoryYaml.decode(block, "zlib.advisories.yaml", AdvisoryEditingTest.CLOCK);
        assertThat(slow.problems()).isEmpty();
        assertThat(fast.problems()).isEmpty();
        assertThat(fast.document()).isEqualTo(slow.document());
        assertThat(fast.spans()).hasSize(2);
        // the editor's spans: the first advisory is where it was, the second one line longer
        assertThat(fast.spans().get(0)).isEqualTo(slow.spans().get(0));
        AdvisorySpan s = slow.spans().get(1);
        assertThat(fast.spans().get(1))
                .isEqualTo(new AdvisorySpan(
                        s.id(),
                        s.firstLine(),
                        s.lastLine() + 1,
                        s.lastEventFirstLine() + 1,
                        s.eventColumn(),
                        s.advisoryColumn()));
        assertThat(s.firstLine()).isEqualTo(22);
        assertThat(s.eventColumn()).isEqualTo(8);
        assertThat(s.advisoryColumn()).isEqualTo(4);
    }

    @Test
    void aRepeatedFieldAndASyntaxErrorAreNamedWithFileAndLine() {
        String repeated = AdvisoryEditingTest.DOC.replace("  name: zlib\n", "  name: zlib\n  name: zlib2\n");
        assertThat(AdvisoryYaml.decode(repeated, "zlib.advisories.yaml", AdvisoryEditingTest.CLOCK)
                        .problems())
                .containsExactly("zlib.advisories.yaml:6: package: field 'name' is given twice");
        assertThat(AdvisoryYaml.decode("package:\n  name: [zlib\n", "x.advisories.yaml", AdvisoryEditingTest.CLOCK)
                        .problems())
                .singleElement()
                .asString()
                .startsWith("x.advisories.yaml:")
                .contains(": not valid YAML: ");
    }
}
