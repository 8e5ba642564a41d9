package dev.kiln.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DigestAndAtomicFilesTest {
    static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @TempDir
    Path tmp;

    @Test
    void digestParsesAndValidates() throws IOException {
        assertThat(Digest.sha256(new byte[0])).hasToString("sha256:" + EMPTY);
        assertThat(Digest.parse("sha256:" + EMPTY)).isEqualTo(Digest.sha256(new byte[0]));
        Path f = tmp.resolve("f");
        Files.write(f, "abc".getBytes(StandardCharsets.UTF_8));
        assertThat(Digest.sha256(f)).isEqualTo(Digest.sha256("abc".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> Digest.parse("sha256:" + EMPTY.substring(1)))
                .isInstanceOf(ContentException.class)
                .hasMessageContaining("64")
                .hasMessageContaining("got 63:");
        assertThatThrownBy(() -> Digest.parse("md5:abc"))
                .isInstanceOf(ContentException.class)
                .hasMessageContaining("'md5'");
        assertThatThrownBy(() -> Digest.parse(EMPTY)).isInstanceOf(ContentException.class);
        assertThatThrownBy(() -> Digest.parse("sha256:" + EMPTY.toUpperCase(Locale.ROOT)))
                .isInstanceOf(ContentException.class);
    }

    @Test
    void atomicWriteToTheRootDirectoryIsAContentError() {
        // found by NullAway: the root has no parent, which used to end in a NullPointerException
        assertThatThrownBy(() -> AtomicFiles.write(Path.of("/"), "x".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ContentException.class)
                .hasMessage("cannot write /: it names no file, only the root directory");
    }

    @Test
    void atomicWriteReplacesAndCleansUp() throws IOException {
        Path target = tmp.resolve("sub/file.txt");
        AtomicFiles.write(target, "one".getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(target, "two".getBytes(StandardCharsets.UTF_8));
        assertThat(target).hasContent("two");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
                .isEqualTo("rw-r--r--");

        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
                    out.write("partial".getBytes(StandardCharsets.UTF_8));
                    throw new IOException("boom");
                }))
                .isInstanceOf(ContentException.class)
                .hasMessageContaining("boom")
                .hasMessageContaining("file.txt");
        assertThat(target).hasContent("two");
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertThat(files).containsExactly(target);
        }

        Path copy = tmp.resolve("copy.txt");
        AtomicFiles.copy(target, copy);
        assertThat(copy).hasContent("two");
    }
}
