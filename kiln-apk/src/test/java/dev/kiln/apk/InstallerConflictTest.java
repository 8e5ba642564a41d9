package dev.kiln.apk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two packages that install the same path with different contents: an error unless one replaces the other,
 * and then the replacing package's file is the one installed whichever of the two comes first (apk-tools'
 * rule; a busybox applet link and the full tool of another package are the everyday case).
 */
class InstallerConflictTest {
    @TempDir
    Path dir;

    @Test
    void aConflictWithoutReplacesIsAnErrorNamingBothPackages() throws IOException {
        Installer installer = new Installer(new FileTree(), 0);
        install(installer, apk("busybox", "applet link", List.of()));

        assertThatThrownBy(() -> install(installer, apk("binutils", "the real strings", List.of())))
                .isInstanceOf(ApkException.class)
                .hasMessageContaining("binutils-1.0-r0 installs /usr/bin/strings, which busybox already installed");
    }

    @Test
    void theReplacingPackageWinsWhenInstalledSecond() throws IOException {
        FileTree tree = new FileTree();
        Installer installer = new Installer(tree, 0);
        install(installer, apk("busybox", "applet link", List.of()));
        install(installer, apk("binutils", "the real strings", List.of("busybox")));

        assertThat(content(tree)).isEqualTo("the real strings");
    }

    @Test
    void theReplacingPackageWinsWhenInstalledFirst() throws IOException {
        FileTree tree = new FileTree();
        Installer installer = new Installer(tree, 0);
        install(installer, apk("binutils", "the real strings", List.of("busybox")));
        InstalledPackage busybox = install(installer, apk("busybox", "applet link", List.of()));

        assertThat(content(tree)).isEqualTo("the real strings");
        assertThat(busybox.files()).extracting(FileNode::path).doesNotContain("usr/bin/strings");
    }

    private static String content(FileTree tree) {
        byte[] bytes = tree.get("usr/bin/strings").orElseThrow().content();
        return new String(bytes == null ? new byte[0] : bytes, StandardCharsets.UTF_8);
    }

    private InstalledPackage install(Installer installer, ApkPackage apk) {
        return installer.install(new RepositoryPackage(IndexEntry.of(apk, apk.fileSize()), "fixture", 0), apk);
    }

    private ApkPackage apk(String name, String strings, List<String> replaces) throws IOException {
        Path tree = Files.createDirectories(dir.resolve(name + "/usr/bin"));
        Files.writeString(tree.resolve("strings"), strings);
        return ApkReader.read(Fixtures.replacingApk(dir.resolve(name), name, replaces));
    }
}
