package dev.kiln.apk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An installer into a directory writes each file as the package is read (one pass, nothing held), and ends
 * with the same root filesystem, database included, as installing into the in-memory tree and writing that; its
 * ownership rules are the tree's.
 */
class InstallerDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void writesTheSameRootAsTheInMemoryTree() throws IOException {
        Path apk = dir.resolve("hello.apk");
        new ApkWriter()
                .write(Fixtures.input(Fixtures.tree(dir.resolve("src")), "hello", "1.0-r0"), Fixtures.testKey(), apk);
        ApkPackage read = ApkReader.read(apk);
        FileTree tree = new FileTree();
        Installer inMemory = new Installer(tree, Fixtures.SDE);
        inMemory.install(source(read), read);
        inMemory.writeDatabase();
        Path expected = Files.createDirectory(dir.resolve("expected"));
        RootfsWriter.write(tree, expected);

        Path actual = Files.createDirectory(dir.resolve("actual"));
        Installer streaming = Installer.intoDirectory(actual, Fixtures.SDE);
        streaming.install(source(read), sink -> verified(apk, sink));
        streaming.writeDatabase();

        assertThat(describe(actual)).isEqualTo(describe(expected)).containsKey("lib/apk/db/installed");
        assertThat(Files.getAttribute(actual.resolve("usr/bin/setuid-tool"), "unix:mode"))
                .isEqualTo(0100000 | 04755);
        assertThat(Files.getAttribute(actual.resolve("usr/lib/libhello-link.so.1"), "unix:nlink"))
                .isEqualTo(2);
    }

    @Test
    void aConflictIsTheSameErrorAsInTheTree() throws IOException {
        Installer installer = Installer.intoDirectory(Files.createDirectory(dir.resolve("root")), 0);
        install(installer, strings("busybox", "applet", List.of()));

        assertThatThrownBy(() -> install(installer, strings("binutils", "the real strings", List.of())))
                .isInstanceOf(ApkException.class)
                .hasMessageContaining("binutils-1.0-r0 installs /usr/bin/strings, which busybox already installed");
    }

    @Test
    void aReplacingFileIsWrittenInsteadOfTheLinkNotThroughIt() throws IOException {
        Path outside = Files.writeString(dir.resolve("outside"), "host file");
        Path root = Files.createDirectory(dir.resolve("root"));
        Installer installer = Installer.intoDirectory(root, 0);
        install(installer, strings("busybox", null, List.of()));
        install(installer, strings("binutils", "the real strings", List.of("busybox")));
        installer.writeDatabase();

        assertThat(root.resolve("usr/bin/strings")).isRegularFile().hasContent("the real strings");
        assertThat(outside).hasContent("host file");
    }

    @Test
    void identicalFilesOfTwoPackagesAreNoConflict() throws IOException {
        Path root = Files.createDirectory(dir.resolve("root"));
        Installer installer = Installer.intoDirectory(root, 0);
        install(installer, strings("busybox", "same", List.of()));
        install(installer, strings("binutils", "same", List.of()));

        assertThat(installer.owners()).containsEntry("usr/bin/strings", "binutils");
        assertThat(root.resolve("usr/bin/strings")).hasContent("same");
    }

    private static RepositoryPackage source(ApkPackage apk) {
        return new RepositoryPackage(IndexEntry.of(apk, apk.fileSize()), "fixture", 0);
    }

    private static ApkPackage verified(Path apk, ApkReader.DataSink sink) {
        ApkPackage read = ApkReader.read(apk, sink);
        read.verify(Fixtures.trusted());
        return read;
    }

    private static void install(Installer installer, Path apk) {
        installer.install(source(ApkReader.read(apk)), sink -> verified(apk, sink));
    }

    /** A package holding usr/bin/strings: a file with {@code content}, or a link to the test's host file. */
    private Path strings(String name, String content, List<String> replaces) throws IOException {
        Path bin = Files.createDirectories(dir.resolve(name + "/usr/bin"));
        if (content == null) {
            Files.createSymbolicLink(bin.resolve("strings"), dir.resolve("outside"));
        } else {
            Files.writeString(bin.resolve("strings"), content);
        }
        return Fixtures.replacingApk(dir.resolve(name), name, replaces);
    }

    /**
     * Every path below {@code root}: its type and mode, and its mtime and contents or a symlink's target (whose
     * mtime is when it was made: no writer sets it).
     */
    private static Map<String, String> describe(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(p -> !p.equals(root)).toList()) {
                String what = Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) + " ";
                if (Files.isSymbolicLink(p)) {
                    what += "-> " + Files.readSymbolicLink(p);
                } else {
                    what += Files.getLastModifiedTime(p) + " ";
                }
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    what += Files.readString(p, java.nio.charset.StandardCharsets.ISO_8859_1);
                }
                out.put(root.relativize(p).toString(), what);
            }
        }
        return out;
    }
}
