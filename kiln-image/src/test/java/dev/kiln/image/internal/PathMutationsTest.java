package dev.kiln.image.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.apk.FileTree;
import dev.kiln.image.ImageException;
import dev.kiln.image.ImageSpec.PathEntry;
import dev.kiln.image.ImageSpec.PathType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A {@code paths} link built in code rather than loaded (the loader refuses one without a source) is
 * an error naming the entry: a hard link used to fail with a NullPointerException, found by NullAway.
 */
class PathMutationsTest {

    @Test
    void hardlinkWithoutSourceIsAnErrorNotANullPointerException() {
        FileTree tree = new FileTree();
        PathEntry link = new PathEntry("/usr/bin/x", PathType.HARDLINK, 0, 0, null, null, false);
        assertThatThrownBy(() -> PathMutations.apply(tree, List.of(link), 0))
                .isInstanceOf(ImageException.class)
                .hasMessage("paths entry /usr/bin/x of type hardlink needs a source");
    }

    @Test
    void symlinkWithoutSourceIsAnError() {
        FileTree tree = new FileTree();
        PathEntry link = new PathEntry("/usr/bin/x", PathType.SYMLINK, 0, 0, null, null, false);
        assertThatThrownBy(() -> PathMutations.apply(tree, List.of(link), 0))
                .isInstanceOf(ImageException.class)
                .hasMessage("paths entry /usr/bin/x of type symlink needs a source");
        assertThat(tree.get("usr/bin/x")).isEmpty();
    }

    @Test
    void symlinkWithSourceIsMade() {
        FileTree tree = new FileTree();
        PathEntry link = new PathEntry("/usr/bin/x", PathType.SYMLINK, 0, 0, null, "/bin/busybox", false);
        PathMutations.apply(tree, List.of(link), 0);
        assertThat(tree.get("usr/bin/x"))
                .hasValueSatisfying(n -> assertThat(n.linkTarget()).isEqualTo("/bin/busybox"));
    }
}
