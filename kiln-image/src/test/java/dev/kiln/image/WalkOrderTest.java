package dev.kiln.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The in-place walk order agrees with comparing the split path components, for any two paths. */
class WalkOrderTest {

    /** The definition: components compared one by one, then the path with fewer components first. */
    static int byComponents(String x, String y) {
        String[] a = x.split("/");
        String[] b = y.split("/");
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            int c = a[i].compareTo(b[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.length, b.length);
    }

    @Provide
    Arbitrary<String> paths() {
        // characters on both sides of '/' in code-unit order, so separators meet '-', '.', digits and letters
        Arbitrary<String> component = Arbitraries.strings().withChars("-.0a/bZ_~").ofMinLength(1).ofMaxLength(4)
                .filter(c -> !c.contains("/"));
        return component.list().ofMinSize(1).ofMaxSize(4).map(cs -> String.join("/", cs));
    }

    @Property(tries = 3000)
    void agreesWithComponentOrder(@ForAll("paths") String x, @ForAll("paths") String y) {
        assertThat(Integer.signum(FileTree.WALK_ORDER.compare(x, y))).as(x + " vs " + y)
                .isEqualTo(Integer.signum(byComponents(x, y)));
    }

    @Test
    void parentsComeFirstAndSiblingsBySortedName() {
        TreeSet<String> walk = new TreeSet<>(FileTree.WALK_ORDER);
        walk.addAll(List.of("a-c", "a/b/c", "a", "a.d", "a/b", "b", "a/b-x", "a/b/c/d"));
        assertThat(new ArrayList<>(walk)).containsExactly("a", "a/b", "a/b/c", "a/b/c/d", "a/b-x", "a-c", "a.d", "b");
    }
}
