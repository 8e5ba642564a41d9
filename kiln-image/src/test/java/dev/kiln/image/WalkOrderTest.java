package dev.kiln.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.apk.FileNode;
import dev.kiln.apk.FileTree;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The in-place walk order agrees with comparing the split path components, for any two paths, and
 * keeps each subtree in one run.
 */
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
        Arbitrary<String> component = Arbitraries.strings()
                .withChars("-.0a/bZ_~")
                .ofMinLength(1)
                .ofMaxLength(4)
                .filter(c -> !c.contains("/"));
        return component.list().ofMinSize(1).ofMaxSize(4).map(cs -> String.join("/", cs));
    }

    @Property(tries = 3000)
    void agreesWithComponentOrder(@ForAll("paths") String x, @ForAll("paths") String y) {
        assertThat(Integer.signum(FileTree.WALK_ORDER.compare(x, y)))
                .as(x + " vs " + y)
                .isEqualTo(Integer.signum(byComponents(x, y)));
    }

    /**
     * Tree paths as {@link FileTree} keeps them (no {@code .} or {@code ..} components), from so few
     * names that a path often is, or is the parent of, another one of the tree.
     */
    @Provide
    Arbitrary<String> treePaths() {
        Arbitrary<String> component = Arbitraries.strings()
                .withChars("-.ab")
                .ofMinLength(1)
                .ofMaxLength(2)
                .filter(c -> !c.equals(".") && !c.equals(".."));
        return component.list().ofMinSize(1).ofMaxSize(3).map(cs -> String.join("/", cs));
    }

    @Provide
    Arbitrary<List<String>> trees() {
        return treePaths().list().ofMaxSize(12);
    }

    /** {@link FileTree#subtree} reads one run of the walk order; it must find what a scan of every entry finds. */
    @Property(tries = 1000)
    void subtreeIsEveryEntryAtOrBelowThePath(@ForAll("trees") List<String> paths, @ForAll("treePaths") String path) {
        FileTree tree = new FileTree();
        paths.forEach(p -> tree.put(FileNode.file(p, new byte[0], 0644, 0, 0, 0)));
        List<String> scanned = tree.entries().stream()
                .map(FileNode::path)
                .filter(p -> p.equals(path) || p.startsWith(path + "/"))
                .toList();
        assertThat(tree.subtree(path))
                .extracting(FileNode::path)
                .as(path + " in " + paths)
                .isEqualTo(scanned);
        assertThat(tree.subtree("")).containsExactlyElementsOf(tree.entries());
    }

    @Test
    void parentsComeFirstAndSiblingsBySortedName() {
        TreeSet<String> walk = new TreeSet<>(FileTree.WALK_ORDER);
        walk.addAll(List.of("a-c", "a/b/c", "a", "a.d", "a/b", "b", "a/b-x", "a/b/c/d"));
        assertThat(new ArrayList<>(walk)).containsExactly("a", "a/b", "a/b/c", "a/b/c/d", "a/b-x", "a-c", "a.d", "b");
    }
}
