package dev.kiln.build.analysis;

import static dev.kiln.build.analysis.ElfFixtures.install;
import static dev.kiln.build.analysis.ElfFixtures.installText;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DependencyScannerIT {

    @TempDir
    static Path dir;

    static ElfFixtures elf;
    static Path pkg;

    private final DependencyScanner scanner = new DependencyScanner();

    @BeforeAll
    static void build() throws IOException {
        elf = new ElfFixtures(Files.createDirectories(dir.resolve("elf")));
        pkg = Files.createDirectories(dir.resolve("pkg"));
        install(elf.hardened, pkg, "usr/bin/app", "755");
        install(elf.library, pkg, "usr/lib/libdemo.so.1.2.3", "755");
        Files.createSymbolicLink(pkg.resolve("usr/lib/libdemo.so.1"), Path.of("libdemo.so.1.2.3"));
        install(elf.vendoredLibrary, pkg, "opt/vendor/libvendored.so", "755");
        installText("""
                prefix=/usr
                libdir=${prefix}/lib
                deps=libffi

                Name: demo
                Version: 1.0
                Requires: zlib >= 1.2.11, ${deps}
                Requires.private: openssl>=3
                Libs: -L${libdir} -ldemo
                """, pkg, "usr/lib/pkgconfig/demo.pc", "644");
        installText("Name: other\nRequires: glib-2.0\n", pkg, "usr/share/other/other.pc", "644");
        installText("#!/usr/bin/env bash\necho hi\n", pkg, "usr/bin/tool.sh", "755");
        installText("#!/usr/bin/python3\nprint(1)\n", pkg, "usr/bin/pytool", "755");
        installText("not a command\n", pkg, "usr/bin/notes", "644");
        installText("", pkg, "usr/lib/python3.12/site-packages/demo/__init__.py", "644");
    }

    @Test
    void detectsDependsProvidesAndVendored() {
        ScanResult r = scanner.scan(pkg, "1.0-r0", ScanOptions.DEFAULT);

        assertThat(r.depends())
                .containsExactly(
                        "cmd:bash",
                        "pc:libffi",
                        "pc:openssl",
                        "pc:zlib",
                        "python-3.12-base",
                        "so:ld-linux-x86-64.so.2",
                        "so:libc.so.6");
        assertThat(r.provides())
                .containsExactly(
                        "cmd:app=1.0-r0",
                        "cmd:pytool=1.0-r0",
                        "cmd:tool.sh=1.0-r0",
                        "pc:demo=1.0-r0",
                        "so-ver:libdemo.so.1=1.0-r0",
                        "so:libdemo.so.1=1");
        assertThat(r.vendored())
                .containsExactly("pc:other=1.0-r0", "so-ver:libvendored.so=1.0-r0", "so:libvendored.so=0");
    }

    @Test
    void optionsSwitchPartsOff() {
        ScanResult noProvides = scanner.scan(pkg, "1.0-r0", new ScanOptions(true, false, false, false));
        assertThat(noProvides.provides()).isEmpty();
        assertThat(noProvides.depends())
                .as("still satisfied by the package itself")
                .doesNotContain("so:libdemo.so.1");

        ScanResult noCommands = scanner.scan(pkg, "1.0-r0", new ScanOptions(false, false, true, false));
        assertThat(noCommands.provides()).noneMatch(p -> p.startsWith("cmd:")).contains("so:libdemo.so.1=1");

        assertThat(scanner.scan(pkg, "1.0-r0", new ScanOptions(false, true, false, false))
                        .depends())
                .isEmpty();
    }

    @Test
    void muslLoaderIsRenamedToTheLibcProvide() throws IOException {
        Path musl = Files.createDirectories(dir.resolve("musl-pkg"));
        install(elf.muslLinked, musl, "usr/bin/hello", "755");

        assertThat(scanner.scan(musl, "2-r1", ScanOptions.DEFAULT).depends())
                .containsExactly("so:libc.musl-x86_64.so.1", "so:libc.so.6");
    }

    @Test
    void libraryDirectoriesFromLdSoConfCount() throws IOException {
        Path p = Files.createDirectories(dir.resolve("ldconf-pkg"));
        install(elf.vendoredLibrary, p, "usr/lib/demo/libvendored.so", "755");
        installText("/usr/lib/demo\n", p, "etc/ld.so.conf.d/demo.conf", "644");

        ScanResult r = scanner.scan(p, "3-r0", ScanOptions.DEFAULT);

        assertThat(r.provides()).containsExactly("so-ver:libvendored.so=3-r0", "so:libvendored.so=0");
        assertThat(r.vendored()).isEmpty();
    }

    @Test
    void languageAndDocAnalysers() throws IOException {
        Path p = Files.createDirectories(dir.resolve("lang-doc"));
        installText("", p, "usr/lib/perl5/vendor_perl/Foo.pm", "644");
        installText("", p, "usr/lib/ruby/gems/3.3.0/gems/foo/foo.rb", "644");
        installText("", p, "usr/share/man/man1/foo.1.gz", "644");

        assertThat(scanner.scan(p, "foo-doc", "1-r0", ScanOptions.DEFAULT).depends())
                .containsExactly("man-db", "perl~5", "ruby-3.3");
        assertThat(scanner.scan(p, "1-r0", ScanOptions.DEFAULT).depends()).containsExactly("perl~5", "ruby-3.3");
    }

    /**
     * melange's perl analyser matches {@code usr/lib/perlN/*_perl} entries, directories too: a module installed under
     * usr/share/perl5 whose perllocal.pod perl/cleanup removed still leaves usr/lib/perl5/core_perl behind, and its
     * package needs perl (Wolfi's perl-canary-stability declares no perl of its own).
     */
    @Test
    void perlModulesAreFoundByTheirPerlDirectoryAsMelangeFindsThem() throws IOException {
        Path cleaned = Files.createDirectories(dir.resolve("perl-cleaned"));
        installText("", cleaned, "usr/share/perl5/vendor_perl/Canary/Stability.pm", "644");
        Files.createDirectories(cleaned.resolve("usr/lib/perl5/core_perl"));
        assertThat(scanner.scan(cleaned, "1-r0", ScanOptions.DEFAULT).depends()).containsExactly("perl~5");

        Path notAModuleTree = Files.createDirectories(dir.resolve("perl-other"));
        installText("", notAModuleTree, "usr/lib/perl5/README", "644");
        installText("", notAModuleTree, "usr/share/perl5/vendor_perl/Foo.pm", "644");
        assertThat(scanner.scan(notAModuleTree, "1-r0", ScanOptions.DEFAULT).depends())
                .isEmpty();

        assertThat(DependencyScanner.merge(List.of("perl"), List.of("perl~5"), List.of()))
                .containsExactly("perl");
    }

    @Test
    void shebangParsing() throws IOException {
        assertThat(DependencyScanner.shebangInterpreter(installText("#!/usr/bin/env -S perl -w\n", dir, "s1", "755")))
                .hasValue("perl");
        assertThat(DependencyScanner.shebangInterpreter(installText("#! /bin/bash -e\n", dir, "s2", "755")))
                .hasValue("bash");
        assertThat(DependencyScanner.shebangInterpreter(installText("echo no shebang\n", dir, "s3", "755")))
                .isEmpty();
    }

    @Test
    void mergeCombinesSortsAndDropsSelfProvided() {
        List<String> merged = DependencyScanner.merge(
                List.of("python-3.12", "busybox", "so:libdemo.so.1"),
                List.of("python-3.12-base", "so:libc.so.6", "so:libdemo.so.1", "busybox"),
                List.of("so:libdemo.so.1=1", "cmd:app=1.0-r0"));

        assertThat(merged).containsExactly("busybox", "python-3.12", "so:libc.so.6");
        assertThat(DependencyScanner.merge(List.of(), List.of("python-3.12-base"), List.of()))
                .containsExactly("python-3.12-base");
    }

    @Test
    void pkgConfigRequiresParsing() {
        assertThat(PkgConfigFile.requiredModules("v=x11\nRequires: glib-2.0 >= 2.50, ${v},gio-2.0>=2\n"))
                .containsExactly("glib-2.0", "x11", "gio-2.0");
    }
}
