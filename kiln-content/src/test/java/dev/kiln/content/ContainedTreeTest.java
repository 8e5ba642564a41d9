package dev.kiln.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random trees full of hostile links (absolute links out, relative links that climb out, links
 * to directories in the middle of a path, dangling links, loops) and random writes into them:
 * nothing outside the root ever changes, and whatever the helper accepted landed inside the
 * root, under the very path asked for, through real directories only.
 */
class ContainedTreeTest {
    private static final List<String> NAMES = List.of("a", "b", "c");

    /** What one name of the generated tree is. */
    enum Kind {
        MISSING,
        DIR,
        FILE,
        ABSOLUTE_LINK_TO_OUTSIDE_DIR,
        ABSOLUTE_LINK_TO_OUTSIDE_FILE,
        RELATIVE_LINK_CLIMBING_OUT,
        LINK_TO_DIR_INSIDE,
        DANGLING_LINK,
        SELF_LOOP,
        LOOP_WITH_SIBLING
    }

    enum Op {
        CREATE_DIRECTORIES,
        WRITE,
        OUTPUT_STREAM,
        COPY,
        COPY_TREE
    }

    record Write(Op op, String path) {}

    @Provide
    Arbitrary<Map<String, Kind>> trees() {
        List<String> candidates = new ArrayList<>();
        for (String x : NAMES) {
            candidates.add(x);
            for (String y : NAMES) {
                candidates.add(x + "/" + y);
                for (String z : NAMES) {
                    candidates.add(x + "/" + y + "/" + z);
                }
            }
        }
        Arbitrary<Kind> kind = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.MISSING)),
                net.jqwik.api.Tuple.of(4, Arbitraries.just(Kind.DIR)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(Kind.values())));
        return kind.list().ofSize(candidates.size()).map(kinds -> {
            Map<String, Kind> tree = new TreeMap<>();
            for (int i = 0; i < kinds.size(); i++) {
                tree.put(candidates.get(i), kinds.get(i));
            }
            return tree;
        });
    }

    @Provide
    Arbitrary<List<Write>> writes() {
        Arbitrary<String> component = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.of(NAMES)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(".", "..", "", "new")));
        Arbitrary<String> path = component.list().ofMinSize(1).ofMaxSize(5).map(cs -> String.join("/", cs));
        return Combinators.combine(Arbitraries.of(Op.values()), path)
                .as(Write::new)
                .list()
                .ofMinSize(1)
                .ofMaxSize(8);
    }

    @Property(tries = 400)
    void nothingOutsideTheRootChanges(@ForAll("trees") Map<String, Kind> tree, @ForAll("writes") List<Write> writes)
            throws IOException {
        Path world = Files.createTempDirectory("contained-tree-");
        try {
            Path outside = Files.createDirectories(world.resolve("outside"));
            Files.writeString(outside.resolve("secret"), "host file");
            Files.createDirectories(outside.resolve("a/b/c"));
            Path root = Files.createDirectories(world.resolve("root"));
            plant(root, outside, tree);
            Path source = sourceTree(world.resolve("source"));
            Map<String, String> before = snapshotOutside(world, root);

            ContainedTree contained = ContainedTree.of(root);
            for (Write w : writes) {
                boolean accepted;
                try {
                    apply(contained, w, source);
                    accepted = true;
                } catch (EscapedTreeException refused) {
                    assertThat(refused).hasMessageContaining(w.path());
                    accepted = false;
                }
                Statistics.label("write").collect(accepted ? "accepted" : "refused");
                if (accepted) {
                    assertLandedInside(root, w);
                }
            }

            assertThat(snapshotOutside(world, root)).isEqualTo(before);
        } finally {
            FileTrees.delete(world);
        }
    }

    /** Without links and {@code ..}, the helper is an ordinary file writer: it must not refuse. */
    @Property(tries = 200)
    void plainPathsAreWritten(@ForAll("plainPaths") String path) throws IOException {
        Path world = Files.createTempDirectory("contained-tree-");
        try {
            Path root = Files.createDirectories(world.resolve("root"));
            ContainedTree contained = ContainedTree.of(root);
            contained.write(path + "/file", "x".getBytes(StandardCharsets.UTF_8));
            contained.createDirectories(path + "/dir");
            assertThat(root.resolve(path).resolve("file")).hasContent("x");
            assertThat(root.resolve(path).resolve("dir")).isDirectory();
        } finally {
            FileTrees.delete(world);
        }
    }

    @Provide
    Arbitrary<String> plainPaths() {
        return Arbitraries.strings()
                .withChars("ab.-_ ")
                .ofMinLength(1)
                .ofMaxLength(3)
                .filter(c -> !c.equals(".") && !c.equals(".."))
                .list()
                .ofMinSize(1)
                .ofMaxSize(4)
                .map(cs -> String.join("/", cs));
    }

    @Test
    void refusalNamesThePathAndTheLink(@TempDir Path dir) throws IOException {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createSymbolicLink(root.resolve("hostroot"), Path.of("/"));
        ContainedTree tree = ContainedTree.of(root);

        assertThatThrownBy(() -> tree.createDirectories("hostroot/tmp/x"))
                .isInstanceOf(EscapedTreeException.class)
                .hasMessageContaining("'hostroot/tmp/x'")
                .hasMessageContaining("'hostroot' is a symbolic link to '/'");
        assertThatThrownBy(() -> tree.write("../escape", new byte[0]))
                .isInstanceOf(EscapedTreeException.class)
                .hasMessageContaining("'../escape' leaves");
        assertThatThrownBy(() -> tree.write("/etc/passwd", new byte[0]))
                .isInstanceOf(EscapedTreeException.class)
                .hasMessageContaining("absolute");
    }

    @Test
    void aFinalLinkIsRefusedAndItsTargetKept(@TempDir Path dir) throws IOException {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path host = Files.writeString(dir.resolve("host-file"), "keep me");
        Files.createSymbolicLink(root.resolve("out"), host);
        ContainedTree tree = ContainedTree.of(root);

        assertThatThrownBy(() -> tree.write("out", "overwritten".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EscapedTreeException.class);
        assertThatThrownBy(() -> tree.newOutputStream("out")).isInstanceOf(EscapedTreeException.class);
        assertThat(host).hasContent("keep me");
        assertThat(Files.isSymbolicLink(root.resolve("out"))).isTrue();
    }

    @Test
    void aRootThatIsALinkIsRefused(@TempDir Path dir) throws IOException {
        Path real = Files.createDirectories(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);

        assertThatThrownBy(() -> ContainedTree.of(link))
                .isInstanceOf(EscapedTreeException.class)
                .hasMessageContaining("is a symbolic link");
    }

    @Test
    void copyTreeKeepsModesAndLinksAndReplacesFiles(@TempDir Path dir) throws IOException {
        Path source = sourceTree(dir.resolve("source"));
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("dest/sub"));
        Files.writeString(root.resolve("dest/sub/file"), "old");

        ContainedTree.of(root).copyTree(source, "dest");

        assertThat(root.resolve("dest/sub/file")).hasContent("from source");
        assertThat(Files.getPosixFilePermissions(root.resolve("dest/run.sh")))
                .isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(Files.readSymbolicLink(root.resolve("dest/link"))).isEqualTo(Path.of("sub/file"));
    }

    private static void apply(ContainedTree tree, Write w, Path source) throws IOException {
        byte[] bytes = ("written to " + w.path()).getBytes(StandardCharsets.UTF_8);
        switch (w.op()) {
            case CREATE_DIRECTORIES -> tree.createDirectories(w.path());
            case WRITE -> tree.write(w.path(), bytes);
            case OUTPUT_STREAM -> {
                try (OutputStream out = tree.newOutputStream(w.path())) {
                    out.write(bytes);
                }
            }
            case COPY -> tree.copy(source.resolve("sub/file"), w.path());
            case COPY_TREE -> tree.copyTree(source, w.path());
        }
    }

    /** An accepted write's result is at the lexically normal path under the root, through real directories. */
    private static void assertLandedInside(Path root, Write w) {
        Path current = root;
        List<String> parts = new ArrayList<>();
        for (String part : w.path().split("/")) {
            if (part.equals("..")) {
                parts.remove(parts.size() - 1);
            } else if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        for (int i = 0; i < parts.size(); i++) {
            current = current.resolve(parts.get(i));
            boolean last = i == parts.size() - 1;
            assertThat(Files.isSymbolicLink(current)).as(w + ": " + current).isFalse();
            if (!last || w.op() == Op.CREATE_DIRECTORIES || w.op() == Op.COPY_TREE) {
                assertThat(Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS))
                        .as(w + ": " + current)
                        .isTrue();
            } else {
                assertThat(Files.isRegularFile(current, LinkOption.NOFOLLOW_LINKS))
                        .as(w + ": " + current)
                        .isTrue();
            }
        }
    }

    private static void plant(Path root, Path outside, Map<String, Kind> tree) throws IOException {
        java.util.Set<String> realDirs = new java.util.HashSet<>(List.of(""));
        for (Map.Entry<String, Kind> e : tree.entrySet()) { // parents sort before their children
            Path at = root.resolve(e.getKey());
            int slash = e.getKey().lastIndexOf('/');
            if (!realDirs.contains(slash < 0 ? "" : e.getKey().substring(0, slash))) {
                continue;
            }
            String name = at.getFileName().toString();
            int depth = e.getKey().split("/").length;
            switch (e.getValue()) {
                case MISSING -> {}
                case DIR -> {
                    if (!Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
                        Files.createDirectory(at);
                        realDirs.add(e.getKey());
                    }
                }
                case FILE -> {
                    if (!Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
                        Files.writeString(at, "planted");
                    }
                }
                case ABSOLUTE_LINK_TO_OUTSIDE_DIR -> Files.createSymbolicLink(at, outside);
                case ABSOLUTE_LINK_TO_OUTSIDE_FILE -> Files.createSymbolicLink(at, outside.resolve("secret"));
                case RELATIVE_LINK_CLIMBING_OUT ->
                    Files.createSymbolicLink(at, Path.of("../".repeat(depth) + "outside"));
                case LINK_TO_DIR_INSIDE -> Files.createSymbolicLink(at, Path.of(depth == 1 ? "." : ".."));
                case DANGLING_LINK -> Files.createSymbolicLink(at, outside.resolve("missing/" + name));
                case SELF_LOOP -> Files.createSymbolicLink(at, Path.of(name));
                case LOOP_WITH_SIBLING -> {
                    Path sibling = at.resolveSibling(name + name);
                    if (!Files.exists(sibling, LinkOption.NOFOLLOW_LINKS)) {
                        Files.createSymbolicLink(sibling, Path.of(name));
                    }
                    Files.createSymbolicLink(at, Path.of(name + name));
                }
            }
        }
    }

    private static Path sourceTree(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/file"), "from source");
        Path script = Files.writeString(dir.resolve("run.sh"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(dir.resolve("link"), Path.of("sub/file"));
        return dir;
    }

    /** Every entry of {@code world} outside {@code root}, with its type and content or link target. */
    private static Map<String, String> snapshotOutside(Path world, Path root) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        Files.walkFileTree(world, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                if (d.equals(root)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                entries.put(world.relativize(d) + "/", "dir");
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                entries.put(
                        world.relativize(f).toString(),
                        attrs.isSymbolicLink() ? "link " + Files.readSymbolicLink(f) : "file " + Files.readString(f));
                return FileVisitResult.CONTINUE;
            }
        });
        return entries;
    }
}
