package dev.kiln.apk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FileTreeTest {
    private static FileTree tree() {
        FileTree t = new FileTree();
        t.mkdirs("usr/lib/apk/db", 0755, 0, 0, 0);
        t.mkdirs("etc", 0755, 0, 0, 0);
        t.put(FileNode.file("etc/os-release", bytes("ID=kiln\n"), 0644, 0, 0, 0));
        t.put(FileNode.file("usr/lib/apk/db/installed", bytes("P:x\n"), 0644, 0, 0, 0));
        t.put(FileNode.symlink("lib", "usr/lib", 0, 0, 0));
        t.put(FileNode.symlink("usr/lib/os-release", "../../etc/os-release", 0, 0, 0));
        return t;
    }

    @Test
    void resolveFollowsEveryLinkOnTheWayAndTheLast() {
        FileTree t = tree();
        assertThat(t.resolve("/lib/apk/db/installed")).hasValue("usr/lib/apk/db/installed");
        assertThat(t.resolve("lib/os-release")).hasValue("etc/os-release");
        assertThat(t.follow("lib/os-release").orElseThrow().content()).isEqualTo(bytes("ID=kiln\n"));
        // the last component stays a link for the installer's parent resolution
        assertThat(t.resolveParents("lib/os-release")).isEqualTo("usr/lib/os-release");
        assertThat(t.resolveParents("lib/new/file")).isEqualTo("usr/lib/new/file");
    }

    @Test
    void linksNeverLeaveTheTree() {
        FileTree t = tree();
        t.put(FileNode.symlink("usr/up", "../../../../etc", 0, 0, 0));
        t.put(FileNode.symlink("usr/abs", "/etc/os-release", 0, 0, 0));
        assertThat(t.resolve("usr/up/os-release")).hasValue("etc/os-release");
        assertThat(t.resolve("usr/abs")).hasValue("etc/os-release");
        assertThat(t.resolve("../../../etc/os-release")).hasValue("etc/os-release");
        assertThat(t.resolveParents("usr/up/passwd")).isEqualTo("etc/passwd");
    }

    @Test
    void aLoopEndsAfterFortyLinks() {
        FileTree t = tree();
        t.put(FileNode.symlink("a", "b", 0, 0, 0));
        t.put(FileNode.symlink("b", "a", 0, 0, 0));
        t.put(FileNode.symlink("self", "self/x", 0, 0, 0));
        assertThat(t.resolve("a")).isEmpty();
        assertThat(t.resolve("self")).isEmpty();
        assertThatThrownBy(() -> t.resolveParents("a/file"))
                .isInstanceOf(ApkException.class)
                .hasMessage("too many levels of symbolic links resolving /a/file");
        // a chain of forty links resolves, forty-one do not
        for (int i = 0; i < 41; i++) {
            t.put(FileNode.symlink("chain" + i, i == 40 ? "etc" : "chain" + (i + 1), 0, 0, 0));
        }
        assertThat(t.resolve("chain1/os-release")).hasValue("etc/os-release");
        assertThat(t.resolve("chain0/os-release")).isEmpty();
    }

    @Test
    void missingComponentsAndImpliedDirectories() {
        FileTree t = new FileTree();
        // a layer without directory entries: opt and opt/app exist only through their entries
        t.put(FileNode.file("opt/app/run", bytes("#!"), 0755, 0, 0, 0));
        t.put(FileNode.symlink("app", "opt/app", 0, 0, 0));
        assertThat(t.resolve("app/run")).hasValue("opt/app/run");
        assertThat(t.resolve("opt")).hasValue("opt");
        assertThat(t.follow("opt")).isEmpty();
        assertThat(t.resolve("opt/app/none")).isEmpty();
        assertThat(t.resolve("opt/ap")).isEmpty();
        assertThat(t.resolve("opt/app/run/x")).isEmpty();
    }

    @Test
    void contentsHeldReadOnDemandOrOnlySized() {
        AtomicInteger reads = new AtomicInteger();
        FileNode lazy =
                FileNode.file("big", FileData.lazy(3, () -> bytes("abc" + reads.incrementAndGet())), 0644, 0, 0, 0);
        FileNode absent = FileNode.file("skipped", FileData.absent(1 << 20), 0644, 0, 0, 0);
        assertThat(reads).hasValue(0);
        assertThat(lazy.size()).isEqualTo(3);
        assertThat(lazy.content()).isEqualTo(bytes("abc1"));
        assertThat(lazy.content()).isEqualTo(bytes("abc2")); // read each time, never held
        assertThat(absent.size()).isEqualTo(1 << 20);
        assertThat(absent.content()).isNull();
        assertThat(java.util.Objects.requireNonNull(absent.data()).isAvailable())
                .isFalse();
        assertThat(FileNode.file("f", bytes("xy"), 0644, 0, 0, 0).size()).isEqualTo(2);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
