package dev.kiln.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.recipe.BuildPlan;
import dev.kiln.recipe.CompileOptions;
import dev.kiln.recipe.Recipes;
import dev.kiln.sandbox.BubblewrapSandbox;
import dev.kiln.testkit.TestPackages;
import dev.kiln.testkit.Tools;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wolfi's test pipelines, as Kiln's built-ins, in hermetic test guests made of packages: Kiln's test tools
 * are built first from examples/recipes/kiln-test-tools.yaml (its subpackages are what the pipelines'
 * {@code needs} name), into the repository the fixture packages' tests then resolve from, beside a static
 * busybox, a glibc made of the host's loader and libc, and a compiler stand-in as build-base. One recipe
 * passes every pipeline; each other one fails exactly one, with the tool's reason in the build log.
 */
class HermeticTestPipelinesIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path TOOLS_RECIPE = ROOT.resolve("examples/recipes/kiln-test-tools.yaml");
    static final Path LOADER = Path.of("/lib64/ld-linux-x86-64.so.2");
    static final Path LIBC = Path.of("/lib/x86_64-linux-gnu/libc.so.6");
    static final List<String> APPLETS = List.of(
            "sh",
            "ls",
            "cat",
            "echo",
            "test",
            "[",
            "mkdir",
            "cp",
            "rm",
            "mv",
            "grep",
            "printf",
            "chmod",
            "env",
            "true",
            "false",
            "sed",
            "od",
            "awk",
            "dirname",
            "basename",
            "mktemp",
            "tr",
            "head",
            "readlink",
            "find",
            "wc",
            "sort",
            "timeout",
            "id",
            "touch",
            "sleep",
            "kill",
            "nc");
    /** Compiles a file when every header it includes, directly or once removed, is under /usr/include. */
    static final String CC = """
            #!/bin/sh
            for a in "$@"; do case $a in *.c|*.cpp) src=$a ;; esac; done
            for h in $(sed -n 's/^#include <\\(.*\\)>/\\1/p' "$src"); do
              test -f "/usr/include/$h" || { echo "$src: fatal error: $h: No such file or directory" >&2; exit 1; }
              for i in $(sed -n 's/^#include <\\(.*\\)>/\\1/p' "/usr/include/$h"); do
                test -f "/usr/include/$i" || { echo "$h: fatal error: $i: No such file or directory" >&2; exit 1; }
              done
            done
            """;

    @TempDir
    static Path dir;

    static BuildFixture f;
    static Path envRepo;
    static Path sources;

    @BeforeAll
    static void buildTheTestTools() throws IOException {
        Path busyboxBinary = Path.of("/bin/busybox");
        Tools.require(
                Files.isExecutable(busyboxBinary), busyboxBinary + " is missing", "apt-get install busybox-static");
        Tools.require(
                Files.exists(LOADER) && Files.exists(LIBC),
                "the host's glibc (" + LIBC + ") is missing",
                "a glibc host");
        f = new BuildFixture(dir);
        TestPackages busybox = TestPackages.hostBusybox(APPLETS).dir("tmp").dir("etc");
        envRepo = TestPackages.publish(
                dir.resolve("env-repo"),
                BuildFixture.ARCH,
                f.key,
                List.of(
                        busybox,
                        TestPackages.apk("glibc", "2.41-r0")
                                .provides("so:libc.so.6=6", "so:ld-linux-x86-64.so.2=2")
                                .hostFile("lib64/ld-linux-x86-64.so.2", LOADER.toRealPath(), 0755)
                                .hostFile("lib/x86_64-linux-gnu/libc.so.6", LIBC.toRealPath(), 0755),
                        TestPackages.apk("build-base", "1-r0")
                                .depends("busybox")
                                .file("usr/bin/cc", CC, 0755)
                                .symlink("usr/bin/c++", "cc")));
        // what the fixture recipes install: the host's /bin/true (dynamic, needs libc.so.6 only) and a copy
        // whose needed library is renamed to one no package provides
        sources = Files.createDirectories(dir.resolve("sources"));
        byte[] dynamic = Files.readAllBytes(Path.of("/bin/true"));
        Files.write(sources.resolve("dynamic"), dynamic);
        Files.write(sources.resolve("broken"), renameNeededLibrary(dynamic, "libc.so.6", "libq.so.6"));

        BuildPlan tools = Recipes.compile(TOOLS_RECIPE, List.of(), CompileOptions.forArch(BuildFixture.ARCH));
        BuildResult built = builder()
                .build(
                        tools,
                        options(List.of(envRepo.toString()))
                                .withSourceDir(BuildOptions.sourceDirBeside(TOOLS_RECIPE, tools.name())));
        assertThat(built.packages())
                .extracting(p -> p.file().getFileName().toString())
                .contains("ldd-check-0.1.0-r0.apk", "package-type-check-0.1.0-r0.apk", "kiln-test-tools-0.1.0-r0.apk");
    }

    static byte[] renameNeededLibrary(byte[] elf, String from, String to) {
        byte[] needle = (from + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] out = elf.clone();
        int renamed = 0;
        for (int i = 0; i + needle.length <= out.length; i++) {
            int j = 0;
            while (j < needle.length && out[i + j] == needle[j]) {
                j++;
            }
            if (j == needle.length) {
                System.arraycopy(to.getBytes(StandardCharsets.US_ASCII), 0, out, i, to.length());
                renamed++;
            }
        }
        assertThat(renamed).as("occurrences of " + from).isPositive();
        return out;
    }

    static PackageBuilder builder() {
        return new PackageBuilder(BubblewrapSandbox.fromEnvironment(System.getenv()), HttpClient.newHttpClient());
    }

    static BuildOptions options(List<String> repositories) {
        return new BuildOptions(
                        BuildFixture.ARCH,
                        f.repository,
                        f.cache,
                        dir.resolve("work"),
                        dir.resolve("logs"),
                        f.key,
                        0,
                        "kiln",
                        false,
                        false,
                        sources,
                        null,
                        null)
                .withEnvironment(new EnvironmentSources(repositories, List.of(), false, dir));
    }

    /** Builds {@code yaml} hermetically; its tests resolve from the fixture environment and the built test tools. */
    static BuildResult build(String name, String yaml) {
        BuildPlan plan =
                Recipes.compile(f.writeRecipe(name, yaml), List.of(), CompileOptions.forArch(BuildFixture.ARCH));
        return builder().build(plan, options(List.of(envRepo.toString(), f.repository.toString())));
    }

    static String log(String name) throws IOException {
        return Files.readString(dir.resolve("logs").resolve(name + "-1.2.3-r0-" + BuildFixture.ARCH + ".log"));
    }

    static final String NO_DEPENDS = "options:\n  no-depends: true\n";

    /**
     * A recipe with the usual header, a busybox build environment and the given rest; a rest that starts
     * with {@link #NO_DEPENDS} turns dependency detection off, so that its test environment resolves.
     */
    static String recipe(String name, String rest) {
        boolean noDepends = rest.startsWith(NO_DEPENDS);
        return """
                package:
                  name: %s
                  version: "1.2.3"
                  epoch: 0
                  description: "exercises Kiln's test pipelines"
                  copyright:
                    - license: MIT
                  checks:
                    disabled:
                      - hardening # the dynamic fixture is the host's /bin/true, linked without BIND_NOW
                %s
                environment:
                  contents:
                    packages:
                      - busybox
                %s
                """.formatted(
                        name,
                        noDepends ? NO_DEPENDS.indent(2).stripTrailing() : "",
                        rest.substring(noDepends ? NO_DEPENDS.length() : 0).stripTrailing());
    }

    static final String TOOLBOX = """
            mkdir -p ${{targets.destdir}}/usr/bin
            cp dynamic ${{targets.destdir}}/usr/bin/dynamic
            printf '#!/bin/sh\\ncase "$1" in --version) echo "toolbox 1.2.3";; --help) echo "usage: toolbox [--version]";; esac\\n' \\
              > ${{targets.destdir}}/usr/bin/toolbox
            chmod 755 ${{targets.destdir}}/usr/bin/toolbox
            printf '#!/bin/sh\necho "toolboxd ready"\nexec sleep 600\n' > ${{targets.destdir}}/usr/bin/toolboxd
            chmod 755 ${{targets.destdir}}/usr/bin/toolboxd
            """;

    @Test
    void aPackageOfEveryShapePassesItsPipelines() throws IOException {
        BuildResult result = build(
                "toolbox", recipe("toolbox", """
                pipeline:
                  - runs: |
                %s
                subpackages:
                  - name: toolbox-dev
                    pipeline:
                      - runs: mkdir -p ${{targets.subpkgdir}}/usr/include && echo 'int toolbox(void);' > ${{targets.subpkgdir}}/usr/include/toolbox.h
                    test:
                      pipeline:
                        - uses: test/tw/devpackage
                        - uses: test/tw/header-check
                  - name: toolbox-static
                    pipeline:
                      - runs: mkdir -p ${{targets.subpkgdir}}/usr/lib && echo '!<arch>' > ${{targets.subpkgdir}}/usr/lib/libtoolbox.a
                    test:
                      pipeline:
                        - uses: test/tw/staticpackage
                  - name: toolbox-meta
                    description: "meta package for the toolbox"
                    dependencies:
                      runtime:
                        - toolbox
                    pipeline:
                      - runs: "true"
                    test:
                      pipeline:
                        - uses: test/tw/metapackage
                        - uses: test/metapackage
                  - name: toolbox-api
                    dependencies:
                      provides:
                        - toolbox-abi=1
                    pipeline:
                      - runs: "true"
                    test:
                      pipeline:
                        - uses: test/tw/virtualpackage
                          with:
                            virtual-pkg-name: toolbox-abi
                  - name: toolbox-doc
                    pipeline:
                      - runs: mkdir -p ${{targets.subpkgdir}}/usr/share/man/man1 && echo '.TH TOOLBOX 1' > ${{targets.subpkgdir}}/usr/share/man/man1/toolbox.1
                    test:
                      pipeline:
                        - uses: test/tw/docs
                test:
                  pipeline:
                    - uses: test/tw/ldd-check
                    - uses: test/tw/ver-check
                      with:
                        bins: toolbox
                    - uses: test/tw/help-check
                      with:
                        bins: toolbox
                        expect-contains: usage
                    - uses: test/no-docs
                    - uses: test/daemon-check-output
                      with:
                        setup: |
                          nc -l -p 18080 > /dev/null &
                          wait-for-it 127.0.0.1:18080 -t 10
                        start: /usr/bin/toolboxd
                        expected_output: |
                          toolboxd ready
                        post: |
                          echo "post-check ran"
                """.formatted(TOOLBOX.indent(6).stripTrailing())));

        assertThat(result.packages()).hasSize(6);
        assertThat(log("toolbox"))
                .contains("PASS[ldd-check]: /usr/bin/dynamic")
                .contains("PASS[ver-check]: toolbox --version: contains '1.2.3'")
                .contains("PASS[help-check]: toolbox --help")
                .contains("PASS[header-check]: toolbox.h (C)")
                .contains("toolbox-dev has a header under /usr")
                .contains("toolbox-static holds only .a archives")
                .contains("toolbox-meta's description mentions 'meta'")
                .contains("toolbox-api provides toolbox-abi")
                .contains("toolbox-doc has a readable document")
                .contains("toolbox ships no documentation")
                .contains("wait-for-it: 127.0.0.1:18080 is available")
                .contains("PASS[daemon-check-output]: found every expected line")
                .contains("post-check ran");
    }

    record Failure(String name, String rest, List<String> reasons) {}

    static List<Failure> failures() {
        String toolbox = "pipeline:\n  - runs: |\n" + TOOLBOX.indent(6);
        return List.of(
                new Failure(
                        "missing-library",
                        """
                        options:
                          no-depends: true
                        pipeline:
                          - runs: mkdir -p ${{targets.destdir}}/usr/bin && cp broken ${{targets.destdir}}/usr/bin/broken
                        test:
                          environment:
                            contents:
                              packages:
                                - glibc
                          pipeline:
                            - uses: test/tw/ldd-check
                        """,
                        List.of("FAIL[ldd-check]: /usr/bin/broken: missing libraries:", "libq.so.6 => not found")),
                new Failure(
                        "no-loader",
                        """
                        options:
                          no-depends: true
                        pipeline:
                          - runs: mkdir -p ${{targets.destdir}}/usr/bin && cp dynamic ${{targets.destdir}}/usr/bin/dynamic
                        test:
                          pipeline:
                            - uses: test/tw/ldd-check
                        """,
                        List.of("FAIL[ldd-check]: /usr/bin/dynamic: dynamically linked (interpreter"
                                + " /lib64/ld-linux-x86-64.so.2), but this environment has no dynamic loader")),
                new Failure(
                        "version-drift",
                        toolbox
                                + "test:\n  pipeline:\n    - uses: test/tw/ver-check\n      with:\n        bins: toolbox\n"
                                + "        version: 9.9.9\n",
                        List.of("FAIL[ver-check]: toolbox: version drift: expected '9.9.9' (contains), but --version"
                                + " printed 1.2.3")),
                new Failure(
                        "no-help",
                        toolbox
                                + "test:\n  pipeline:\n    - uses: test/tw/help-check\n      with:\n        bins: toolbox\n"
                                + "        help-flag: -h\n",
                        List.of("FAIL[help-check]: toolbox: no help: -h printed nothing")),
                new Failure(
                        "broken-header-dev",
                        """
                        pipeline:
                          - runs: mkdir -p ${{targets.destdir}}/usr/include && echo '#include <missing.h>' > ${{targets.destdir}}/usr/include/broken.h
                        test:
                          pipeline:
                            - uses: test/tw/header-check
                        """,
                        List.of("FAIL[header-check]: broken.h: compiles neither as C nor as C++", "missing.h")),
                new Failure(
                        "headerless-dev",
                        toolbox + "test:\n  pipeline:\n    - uses: test/tw/devpackage\n",
                        List.of("FAIL[package-type-check]: 3. headerless-dev has a header under /usr")),
                new Failure(
                        "mixed-static",
                        """
                        pipeline:
                          - runs: |
                              mkdir -p ${{targets.destdir}}/usr/lib ${{targets.destdir}}/usr/bin
                              echo '!<arch>' > ${{targets.destdir}}/usr/lib/libmixed.a
                              cp dynamic ${{targets.destdir}}/usr/bin/dynamic
                        test:
                          pipeline:
                            - uses: test/tw/staticpackage
                        """,
                        List.of("mixed-static holds only .a archives; also found: usr/bin/dynamic")),
                new Failure(
                        "full-meta",
                        toolbox + "test:\n  pipeline:\n    - uses: test/tw/metapackage\n",
                        List.of(
                                "FAIL[package-type-check]: 1. full-meta installs no files; found:",
                                "FAIL[package-type-check]: 2. full-meta's description mentions 'meta'")),
                new Failure(
                        "not-virtual",
                        toolbox + "test:\n  pipeline:\n    - uses: test/tw/virtualpackage\n      with:\n"
                                + "        virtual-pkg-name: toolbox-abi\n",
                        List.of("FAIL[package-type-check]: 1. not-virtual provides toolbox-abi")),
                new Failure(
                        "undocumented-doc",
                        toolbox + "test:\n  pipeline:\n    - uses: test/tw/docs\n",
                        List.of(
                                "FAIL[package-type-check]: 2. undocumented-doc has a readable document under usr/share")));
    }

    /**
     * melange's {@code --test-package-append}: Wolfi's test pipelines are shell scripts whose recipes do not name
     * a shell, so without the appended base set the guest of a package that needs nothing has none to run them.
     */
    @Test
    void packagesAppendedToEveryTestEnvironmentGiveItsPipelinesAShell() {
        String yaml = recipe("bare", NO_DEPENDS + """
                pipeline:
                  - runs: |
                      mkdir -p ${{targets.destdir}}/usr/share/bare
                      echo hello > ${{targets.destdir}}/usr/share/bare/greeting
                test:
                  pipeline:
                    - runs: grep -q hello /usr/share/bare/greeting
                """);
        assertThatThrownBy(() -> build("bare", yaml))
                .isInstanceOf(BuildException.class)
                .hasMessageContaining("test of bare");

        BuildPlan plan =
                Recipes.compile(f.writeRecipe("bare", yaml), List.of(), CompileOptions.forArch(BuildFixture.ARCH));
        BuildResult result = builder()
                .build(
                        plan,
                        options(List.of())
                                .withEnvironment(new EnvironmentSources(
                                        List.of(envRepo.toString(), f.repository.toString()),
                                        List.of(),
                                        false,
                                        dir,
                                        List.of("busybox"))));
        assertThat(result.packages())
                .extracting(p -> p.file().getFileName().toString())
                .containsExactly("bare-1.2.3-r0.apk");
    }

    @TestFactory
    List<DynamicTest> aPackageOfTheWrongShapeFailsItsPipeline() {
        return failures().stream()
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> assertFails(c.name(), c.rest(), c.reasons())))
                .toList();
    }

    static void assertFails(String name, String rest, List<String> reasons) throws IOException {
        assertThatThrownBy(() -> build(name, recipe(name, rest)))
                .isInstanceOf(BuildException.class)
                .hasMessageContaining("test of " + name);

        String log = log(name);
        List<String> missing = new ArrayList<>();
        for (String reason : reasons) {
            if (!log.contains(reason)) {
                missing.add(reason);
            }
        }
        assertThat(missing).as("reasons missing from the log:\n" + log).isEmpty();
        assertThat(f.repository.resolve(BuildFixture.ARCH).resolve(name + "-1.2.3-r0.apk"))
                .doesNotExist();
    }
}
