package dev.kiln.apk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Small fixed package trees and the test signing key. */
final class Fixtures {
    static final long SDE = 1_700_000_000L;
    static final Path KEYS =
            Path.of(System.getProperty("kiln.repo.root", ".")).resolve("kiln-apk/src/test/resources/keys");

    private Fixtures() {}

    static ApkSigningKey testKey() {
        return ApkSigningKey.load(KEYS.resolve("kiln-test.rsa"));
    }

    static TrustedKeys trusted() {
        return TrustedKeys.load(java.util.List.of(KEYS.resolve("kiln-test.rsa.pub")));
    }

    /** A tree with a subdirectory, an executable, a symlink, a hard link, an empty dir and an xattr target. */
    static Path tree(Path dir) throws IOException {
        mkdir(dir, 0755);
        mkdir(dir.resolve("usr"), 0755);
        mkdir(dir.resolve("usr/bin"), 0755);
        mkdir(dir.resolve("usr/lib"), 0755);
        mkdir(dir.resolve("usr/share"), 0755);
        mkdir(dir.resolve("usr/share/empty"), 0750);
        mkdir(dir.resolve("etc"), 0755);
        file(dir.resolve("usr/bin/hello"), "#!/bin/sh\necho hello\n", 0755);
        Files.createSymbolicLink(dir.resolve("usr/bin/hi"), Path.of("hello"));
        file(dir.resolve("usr/lib/libhello.so.1"), "not really an ELF\n".repeat(1000), 0644);
        Files.createLink(dir.resolve("usr/lib/libhello-link.so.1"), dir.resolve("usr/lib/libhello.so.1"));
        file(dir.resolve("etc/hello.conf"), "greeting = hello\n", 0644);
        file(dir.resolve("usr/bin/setuid-tool"), "binary", 04755);
        return dir;
    }

    static PkgInfo info(String name, String version) {
        return PkgInfo.builder()
                .name(name)
                .version(version)
                .arch("x86_64")
                .origin(name)
                .description("a test package")
                .url("https://example.org/" + name)
                .commit("0123456789abcdef0123456789abcdef01234567")
                .license("Apache-2.0 AND MIT")
                .addDepend("so:libc.so.6")
                .addDepend("busybox>=1.36")
                .addProvides("cmd:hello=" + version)
                .build();
    }

    static ApkInput input(Path tree, String name, String version) {
        return new ApkInput(
                info(name, version),
                tree,
                Map.of(
                        ".melange.yaml",
                        "package:\n  name: hello\n".getBytes(StandardCharsets.UTF_8),
                        ".post-install",
                        "#!/bin/sh\nexit 0\n".getBytes(StandardCharsets.UTF_8)),
                Map.of("etc/hello.conf", Map.of("user.kiln.note", "kept".getBytes(StandardCharsets.UTF_8))),
                SDE);
    }

    /**
     * Writes {@code NAME.apk} beside {@code tree}: package NAME 1.0-r0 (MIT) of the files in {@code tree}, which
     * {@code replaces} the packages named, signed with the test key.
     */
    static Path replacingApk(Path tree, String name, List<String> replaces) throws IOException {
        PkgInfo info = PkgInfo.builder()
                .name(name)
                .version("1.0-r0")
                .arch("x86_64")
                .origin(name)
                .description("a test package")
                .license("MIT")
                .replaces(replaces)
                .build();
        Path file = tree.resolveSibling(name + ".apk");
        new ApkWriter().write(new ApkInput(info, tree, Map.of(), Map.of(), SDE), testKey(), file);
        return file;
    }

    private static void mkdir(Path dir, int mode) throws IOException {
        Files.createDirectories(dir);
        Files.setAttribute(dir, "unix:mode", mode);
    }

    private static void file(Path file, String content, int mode) throws IOException {
        Files.writeString(file, content);
        Files.setAttribute(file, "unix:mode", mode);
    }
}
