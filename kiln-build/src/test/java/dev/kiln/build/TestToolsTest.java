package dev.kiln.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.apk.ApkPackage;
import dev.kiln.apk.ApkReader;
import dev.kiln.apk.FileTree;
import dev.kiln.apk.IndexEntry;
import dev.kiln.apk.Installer;
import dev.kiln.apk.RepositoryPackage;
import dev.kiln.apk.RootfsWriter;
import dev.kiln.testkit.TestPackages;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kiln's test tools (examples/recipes/kiln-test-tools), run by the host's /bin/sh over a root installed
 * by Kiln's installer from generated packages, database included, exactly as a test guest's root is. The
 * PATH holds the host's small utilities (od, awk, grep, …) and the fixture's own commands, but no ldd,
 * loader or compiler, so the results do not depend on the host's toolchain.
 */
class TestToolsTest {
    static final Path TOOLS =
            Path.of("../examples/recipes/kiln-test-tools").toAbsolutePath().normalize();
    /** The host programs the tools may call, one word each (a list of strings would take a line each). */
    static final List<String> UTILITIES = List.of(
            ("od awk grep sed dirname basename mktemp rm cat tr head readlink find wc sort cp mkdir printf echo test"
                            + " [ true false sh env sleep kill chmod")
                    .split(" "));

    @TempDir
    static Path dir;

    static Path root;
    static Path bin;

    static final String GREET = """
            #!/bin/sh
            case "$1" in
              --version) echo "greet 1.2.3 (fixture)" ;;
              --help) echo "Usage: greet [--version] [--help]" ;;
              -V) ;;
              *) echo hello ;;
            esac
            """;

    @BeforeAll
    static void installFixture() throws IOException {
        root = Files.createDirectory(dir.resolve("root"));
        bin = Files.createDirectory(dir.resolve("bin"));
        for (String u : UTILITIES) {
            for (String d : List.of("/usr/bin/", "/bin/")) {
                Path host = Path.of(d + u);
                // a wrapper rather than a link: the temporary folder's clean-up warns about links leaving it
                if (Files.isExecutable(host) && !Files.exists(bin.resolve(u))) {
                    Files.writeString(bin.resolve(u), "#!/bin/sh\nexec " + host + " \"$@\"\n");
                    bin.resolve(u).toFile().setExecutable(true);
                }
            }
        }
        install(List.of(
                TestPackages.apk("greet", "1.2.3-r0")
                        .file("usr/bin/greet", GREET, 0755)
                        .file("usr/bin/mute", "#!/bin/sh\nexit 0\n", 0755)
                        .file("usr/bin/static-tool", elf(null), 0755)
                        .file("usr/bin/dynamic-tool", elf("/lib/ld-kiln-fixture.so.1"), 0755)
                        .file("usr/share/greet/notes.txt", "not an ELF file\n", 0644)
                        .file("var/lib/db/sbom/greet-1.2.3-r0.spdx.json", "{}", 0644),
                TestPackages.apk("greet-dev", "1.2.3-r0")
                        .file("usr/include/greet/greet.h", "#include <greet/missing.h>\n", 0644)
                        .file("usr/include/greet.h", "int greet(void);\n", 0644)
                        .file("usr/lib/pkgconfig/greet.pc", "Name: greet\nVersion: 1.2.3\nLibs: -lgreet\n", 0644)
                        .file("usr/share/greet.pc", "Name: misplaced\n", 0644),
                TestPackages.apk("greet-static", "1.2.3-r0").file("usr/lib/libgreet.a", "!<arch>\n", 0644),
                TestPackages.apk("greet-mixed", "1.2.3-r0")
                        .file("usr/lib/libgreet2.a", "!<arch>\n", 0644)
                        .file("usr/bin/extra", "#!/bin/sh\n", 0755),
                TestPackages.apk("greet-meta", "1.2.3-r0")
                        .description("meta package for greet")
                        .depends("greet", "greet-dev")
                        .file("var/lib/db/sbom/greet-meta-1.2.3-r0.spdx.json", "{}", 0644),
                TestPackages.apk("greet-api", "1.2.3-r0").provides("greet-abi=1", "cmd:greeting=1.2.3-r0"),
                TestPackages.apk("greet-doc", "1.2.3-r0")
                        .file("usr/share/man/man1/greet.1", ".TH GREET 1\n", 0644)
                        .file("usr/share/info/dir", "", 0644),
                TestPackages.apk("greet-licenses", "1.2.3-r0").file("usr/share/doc/greet/LICENSE", "MIT\n", 0644),
                TestPackages.apk("greet-dbg", "1.2.3-r0").file("usr/lib/debug/usr/bin/greet.debug", "debug\n", 0644),
                TestPackages.apk("ruby3.4-faraday-excon", "2.1-r0")
                        .file("usr/lib/ruby/faraday/excon.rb", "module Faraday; end\n", 0644)
                        .file("usr/lib/ruby/rexml.rb", "module REXML; end\n", 0644),
                TestPackages.apk("greet-config", "1.2.3-r0").file("etc/greet.conf", "greeting=hello\n", 0644),
                TestPackages.apk("greet-links", "1.2.3-r0")
                        .symlink("usr/bin/hello", "greet")
                        .symlink("usr/bin/absolute", "/usr/bin/greet")
                        .symlink("usr/bin/dangling", "no-such-file")));
        Files.writeString(bin.resolve("cc"), """
                #!/bin/sh
                # a compiler stand-in: a file compiles when every header it includes is under the fixture root,
                # or defined away by -DNO_<NAME>
                for a in "$@"; do case $a in *.c|*.cpp) src=$a ;; -DX=1) echo "$a" >> "$KILN_TEST_ROOT/../cc-args" ;; esac; done
                for h in $(sed -n 's/^#include <\\(.*\\)>/\\1/p' "$src"); do
                  test -f "$KILN_TEST_ROOT/usr/include/$h" || { echo "$src: fatal error: $h: No such file" >&2; exit 1; }
                  for i in $(sed -n 's/^#include <\\(.*\\)>/\\1/p' "$KILN_TEST_ROOT/usr/include/$h"); do
                    test -f "$KILN_TEST_ROOT/usr/include/$i" || { echo "$h: fatal error: $i: No such file" >&2; exit 1; }
                  done
                done
                """);
        bin.resolve("cc").toFile().setExecutable(true);
        Files.writeString(bin.resolve("python3"), """
                #!/bin/sh
                # a Python stand-in whose pip finds one broken requirement when BROKEN is set
                if [ -n "$BROKEN" ]; then echo "greet 1.2.3 requires hello, which is not installed."; exit 1; fi
                echo "No broken requirements found."
                """);
        bin.resolve("python3").toFile().setExecutable(true);
        Files.writeString(bin.resolve("ruby"), """
                #!/bin/sh
                # a Ruby stand-in that can require what lies under the fixture root's usr/lib/ruby
                test -f "$KILN_TEST_ROOT/usr/lib/ruby/$3.rb" || { echo "cannot load such file -- $3" >&2; exit 1; }
                """);
        bin.resolve("ruby").toFile().setExecutable(true);
        Files.writeString(bin.resolve("nc"), """
                #!/bin/sh
                # an nc stand-in: the port in NC_OPEN accepts connections, every other one refuses
                [ "$4" = "$NC_OPEN" ]
                """);
        bin.resolve("nc").toFile().setExecutable(true);
        Files.writeString(bin.resolve("daemon"), """
                #!/bin/sh
                # a daemon stand-in: says what it is told to, then serves until stopped
                echo "starting $1"
                shift
                echo "$*"
                exec sleep 600
                """);
        bin.resolve("daemon").toFile().setExecutable(true);
        Files.writeString(bin.resolve("pkgconf"), "#!/bin/sh\necho \"pkgconf $*\" >&2\n");
        bin.resolve("pkgconf").toFile().setExecutable(true);
    }

    /** Installs the packages with Kiln's installer, writing the apk database, into the fixture root. */
    static void install(List<TestPackages> packages) throws IOException {
        FileTree tree = new FileTree();
        Installer installer = new Installer(tree, 0);
        Path apks = Files.createDirectory(dir.resolve("apks"));
        for (TestPackages p : packages) {
            ApkPackage apk = ApkReader.read(p.write(apks, BuildFixture.KEY));
            installer.install(new RepositoryPackage(IndexEntry.of(apk, apk.fileSize()), "fixture", 0), apk);
        }
        installer.writeDatabase();
        RootfsWriter.write(tree, root);
    }

    /**
     * A minimal 64-bit little-endian ELF file: one PT_LOAD (static), or with {@code interpreter} also
     * PT_INTERP naming it and PT_DYNAMIC, which is all ldd-check reads.
     */
    static byte[] elf(String interpreter) {
        byte[] interp = interpreter == null ? new byte[0] : (interpreter + "\0").getBytes(StandardCharsets.US_ASCII);
        int phnum = interpreter == null ? 1 : 3;
        ByteBuffer b = ByteBuffer.allocate(64 + 56 * phnum + interp.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
        b.position(16);
        b.putShort((short) (interpreter == null ? 2 : 3)).putShort((short) 0x3e).putInt(1);
        b.putLong(0).putLong(64).putLong(0).putInt(0);
        b.putShort((short) 64).putShort((short) 56).putShort((short) phnum);
        b.position(64);
        if (interpreter != null) {
            phdr(b, 3, 64 + 56 * phnum, interp.length);
        }
        phdr(b, 1, 0, 64);
        if (interpreter != null) {
            phdr(b, 2, 0, 0);
        }
        b.put(interp);
        return b.array();
    }

    private static void phdr(ByteBuffer b, int type, long offset, long size) {
        b.putInt(type)
                .putInt(4)
                .putLong(offset)
                .putLong(0)
                .putLong(0)
                .putLong(size)
                .putLong(size)
                .putLong(8);
    }

    record Run(int status, String output) {}

    static Run run(String tool, String... args) {
        return run(Map.of(), tool, args);
    }

    static Run run(Map<String, String> env, String tool, String... args) {
        try {
            List<String> command =
                    new ArrayList<>(List.of("/bin/sh", TOOLS.resolve(tool).toString()));
            command.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().clear();
            pb.environment().put("PATH", root.resolve("usr/bin") + ":" + bin);
            pb.environment().put("KILN_TEST_TOOLS_LIB", TOOLS.toString());
            pb.environment().put("KILN_TEST_ROOT", root.toString());
            pb.environment().put("TMPDIR", dir.toString());
            pb.environment().putAll(env);
            Process p = pb.directory(dir.toFile()).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(tool + " finished").isTrue();
            return new Run(p.exitValue(), out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void lddCheckPassesAStaticFileAndSaysWhenNoLoaderCanCheckADynamicOne() {
        Run run = run("ldd-check", "--packages=greet");

        assertThat(run.status()).as(run.output()).isEqualTo(1);
        assertThat(run.output())
                .contains("PASS[ldd-check]: /usr/bin/static-tool: statically linked")
                .contains("FAIL[ldd-check]: /usr/bin/dynamic-tool: dynamically linked (interpreter"
                        + " /lib/ld-kiln-fixture.so.1), but this environment has no dynamic loader and no ldd")
                .contains("1 passed, 1 failed")
                .doesNotContain("greet:")
                .doesNotContain("notes.txt");
    }

    @Test
    void lddCheckFailsANamedFileThatIsNotElfAndSkipsExcludedOnes() {
        Run named = run("ldd-check", "--files=/usr/share/greet/notes.txt /usr/bin/static-tool", "--packages=none");
        Run excluded = run("ldd-check", "--packages", "greet", "--exclude-files", "dynamic-tool", "--verbose", "true");

        assertThat(named.status()).isEqualTo(1);
        assertThat(named.output())
                .contains("FAIL[ldd-check]: /usr/share/greet/notes.txt: not a dynamic executable (not an ELF file)");
        assertThat(excluded.status()).as(excluded.output()).isZero();
        assertThat(excluded.output()).contains("1 passed, 0 failed");
    }

    @Test
    void optionsAreCheckedBeforeAnyWork() {
        Run unknown = run("ldd-check", "--packages=greet", "--frobnicate=1");
        Run notBool = run("ver-check", "--bins=greet", "--version=1", "--verbose=yes");
        Run missing = run("package-type-check", "dev", "no-such-package");

        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.output()).contains("ERROR[ldd-check]: unknown option --frobnicate");
        assertThat(notBool.status()).isEqualTo(2);
        assertThat(notBool.output()).contains("--verbose must be 'true' or 'false', found 'yes'");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.output())
                .contains("package 'no-such-package' is not installed (no 'P:no-such-package' record in "
                        + root.resolve("lib/apk/db/installed") + ")");
    }

    @Test
    void verCheckFindsTheVersionAndReportsDrift() {
        Run ok = run("ver-check", "--bins=greet", "--version=1.2.3");
        Run drift = run("ver-check", "--bins=greet mute", "--version=1.2.4");
        Run regex = run("ver-check", "--bins=greet", "--version=^greet 1\\.2\\.[0-9] ", "--match-type=regex");
        Run explicit = run("ver-check", "--bins=greet", "--version=1.2.3", "--version-flag=-V");

        assertThat(ok.status()).as(ok.output()).isZero();
        assertThat(ok.output()).contains("PASS[ver-check]: greet --version: contains '1.2.3'");
        assertThat(drift.status()).isEqualTo(1);
        assertThat(drift.output())
                .contains(
                        "FAIL[ver-check]: greet: version drift: expected '1.2.4' (contains), but --version printed 1.2.3")
                .contains("FAIL[ver-check]: mute: no version flag");
        assertThat(regex.status()).as(regex.output()).isZero();
        assertThat(explicit.status()).isEqualTo(1);
        assertThat(explicit.output()).contains("greet -V: expected output that contains '1.2.3', found: ");
    }

    @Test
    void helpCheckWantsOutputAndTheExpectedWords() {
        Run ok = run("help-check", "--bins=greet", "--expect-contains=Usage --version");
        Run lacking = run("help-check", "--bins=greet", "--expect-contains=--frobnicate");
        Run mute = run("help-check", "--bins=mute nosuch");

        assertThat(ok.status()).as(ok.output()).isZero();
        assertThat(ok.output()).contains("PASS[help-check]: greet --help");
        assertThat(lacking.status()).isEqualTo(1);
        assertThat(lacking.output()).contains("greet --help: the help text lacks '--frobnicate'");
        assertThat(mute.status()).isEqualTo(1);
        assertThat(mute.output())
                .contains("FAIL[help-check]: mute: no help: --help printed nothing; -h printed nothing")
                .contains("FAIL[help-check]: nosuch: not found in PATH");
    }

    @Test
    void headerCheckCompilesEachHeaderOfThePackageWithTheConfigureFlags() throws IOException {
        Run dev = run("header-check", "--packages=greet-dev", "--configure-opts=CPPFLAGS=-DX=1 --enable-x");
        Run named = run("header-check", "--files=greet.h", "--configure-opts=");
        Run noCompiler = run(Map.of("CC", "no-cc", "CXX", "no-cxx"), "header-check", "--files=greet.h");

        assertThat(dev.status()).isEqualTo(1);
        assertThat(dev.output())
                .contains("PASS[header-check]: greet.h (C)")
                .contains("FAIL[header-check]: greet/greet.h: compiles neither as C nor as C++:")
                .contains("greet/missing.h: No such file")
                .contains("ignoring configure option '--enable-x'");
        assertThat(Files.readString(root.resolveSibling("cc-args"))).contains("-DX=1");
        assertThat(named.status()).as(named.output()).isZero();
        assertThat(noCompiler.status()).isEqualTo(2);
        assertThat(noCompiler.output()).contains("no C compiler (no-cc) or C++ compiler (no-cxx) in PATH");
    }

    @Test
    void packageTypeCheckPassesEachShapeAndFailsTheWrongOne() {
        assertPasses("dev", "greet-dev");
        assertFails("dev", "greet", "greet is named *-dev or *-devel", "greet has a header under /usr");
        assertPasses("static", "greet-static");
        assertFails("static", "greet-mixed", "greet-mixed holds only .a archives; also found: usr/bin/extra");
        assertPasses("meta", "greet-meta");
        assertFails("meta", "greet-static", "greet-static installs no files", "description mentions 'meta'");
        assertPasses("empty", "greet-api");
        assertFails(
                "empty",
                "greet-doc",
                "greet-doc installs no files; found: usr/share/info/dir usr/share/man/man1/greet.1");
        assertPasses("virtual", "greet-api", "--virtual-pkg", "greet-abi cmd:greeting");
        assertFails(
                "virtual",
                "greet-api",
                "greet-api provides greet-dev",
                "no installed package is named greet-dev (the name must stay virtual)");
        assertPasses("docs", "greet-doc");
        assertFails("docs", "greet-dev", "has a readable document under usr/share/man, info or doc");
        assertPasses("debug", "greet-dbg");
        assertFails("debug", "greet-doc", "greet-doc is named *-dbg or *-debug");
        assertPasses("config", "greet-config");
        assertFails("config", "greet", "greet has a non-empty file under etc/");
        assertPasses("byproduct", "greet-api");
        assertFails("byproduct", "greet-static", "greet-static installs no files");
    }

    private static void assertPasses(String type, String pkg, String... options) {
        List<String> args = new ArrayList<>(List.of(type, pkg));
        args.addAll(List.of(options));
        Run run = run("package-type-check", args.toArray(String[]::new));
        assertThat(run.status()).as(type + " " + pkg + ":\n" + run.output()).isZero();
        assertThat(run.output()).contains("PASS[package-type-check]: 1. ").doesNotContain("FAIL");
    }

    private static void assertFails(String type, String pkg, String... failures) {
        List<String> args = new ArrayList<>(List.of(type, pkg));
        if (type.equals("virtual")) {
            args.addAll(List.of("--virtual-pkg", "greet-dev"));
        }
        Run run = run("package-type-check", args.toArray(String[]::new));
        assertThat(run.status()).as(type + " " + pkg + ":\n" + run.output()).isEqualTo(1);
        for (String f : failures) {
            assertThat(run.output()).contains("FAIL[package-type-check]: ").contains(f);
        }
    }

    @Test
    void noDocsCheckFindsManPagesAndDocDirectoriesUnlessLeftOut() {
        Run man = run("no-docs-check", "--package=greet-doc");
        Run licenses = run("no-docs-check", "--package=greet-licenses");
        Run manAndInfoOnly = run("no-docs-check", "--package=greet-licenses", "--kinds=man,info");
        Run clean = run("no-docs-check", "--package", "greet");

        assertThat(man.status()).isEqualTo(1);
        assertThat(man.output()).contains("    /usr/share/man/man1/greet.1").doesNotContain("info/dir");
        assertThat(licenses.status()).isEqualTo(1);
        assertThat(manAndInfoOnly.status()).as(manAndInfoOnly.output()).isZero();
        assertThat(clean.status()).as(clean.output()).isZero();
    }

    @Test
    void symlinkCheckFailsDanglingAndAbsoluteLinks() {
        Run strict = run("symlink-check", "--packages=greet-links", "--allow-absolute=false");
        Run lenient = run("symlink-check", "--packages=greet-links", "--allow-absolute=true", "--allow-dangling=true");

        assertThat(strict.status()).isEqualTo(1);
        assertThat(strict.output())
                .contains("PASS[symlink-check]: /usr/bin/hello -> greet")
                .contains("FAIL[symlink-check]: /usr/bin/absolute -> /usr/bin/greet: absolute target")
                .contains("FAIL[symlink-check]: /usr/bin/dangling -> no-such-file: dangling");
        assertThat(lenient.status()).as(lenient.output()).isZero();
        assertThat(lenient.output()).contains("3 symbolic links checked");
    }

    @Test
    void pkgconfCheckAsksPkgconfAboutModulesWherePkgconfLooks() {
        Run run = run("pkgconf-check", "--package=greet-dev");
        Run none = run("pkgconf-check", "--package=greet");

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.output())
                .contains("PASS[pkgconf-check]: greet (/usr/lib/pkgconfig/greet.pc)")
                .contains("1 passed, 1 failed")
                .contains("FAIL[pkgconf-check]: /usr/share/greet.pc: not where pkgconf looks");
        assertThat(none.status()).as(none.output()).isZero();
        assertThat(none.output()).contains("greet installs no .pc file");
    }

    @Test
    void pipCheckRunsPipCheckOfThePython() {
        Run ok = run("tw-pip-check");
        Run broken = run(Map.of("BROKEN", "1"), "tw-pip-check", "--python=python3");
        Run absent = run("tw-pip-check", "--python", "python3.99");

        assertThat(ok.status()).as(ok.output()).isZero();
        assertThat(ok.output()).contains("PASS[tw-pip-check]: python3 -m pip check: No broken requirements found.");
        assertThat(broken.status()).isEqualTo(1);
        assertThat(broken.output()).contains("    greet 1.2.3 requires hello, which is not installed.");
        assertThat(absent.status()).isEqualTo(1);
        assertThat(absent.output()).contains("FAIL[tw-pip-check]: python3.99: not found in PATH");
    }

    @Test
    void gemCheckRequiresTheGemThePackageIsNamedAfterOrTheNamedOnes() {
        Run derived = run("gem-check", "--package", "ruby3.4-faraday-excon", "--require", "");
        Run named = run("gem-check", "--package=ruby3.4-faraday-excon", "--require=rexml, faraday/excon");
        Run wrong = run("gem-check", "--package=ruby3.4-faraday-excon", "--require=nokogiri");

        assertThat(derived.status()).as(derived.output()).isZero();
        assertThat(derived.output())
                .contains("PASS[gem-check]: require 'faraday/excon' (the gem of ruby3.4-faraday-excon)");
        assertThat(named.status()).as(named.output()).isZero();
        assertThat(named.output()).contains("2 passed, 0 failed");
        assertThat(wrong.status()).isEqualTo(1);
        assertThat(wrong.output()).contains("FAIL[gem-check]: require 'nokogiri': cannot load such file -- nokogiri");
    }

    @Test
    void daemonCheckOutputWaitsForTheExpectedLinesAndFailsOnErrors() throws IOException {
        Path expected = Files.writeString(dir.resolve("expected"), "listening on port [0-9]*\n\n");
        Path errors = Files.writeString(dir.resolve("errors"), "ERROR\nFATAL\n");
        Path post = Files.writeString(dir.resolve("post"), "echo post saw $(cat /dev/null)ok\n");
        Path failingSetup = Files.writeString(dir.resolve("setup"), "false\n");

        Run ok = run(
                "daemon-check-output",
                "--start=daemon web listening on port 8080",
                "--expected-file=" + expected,
                "--errors-file=" + errors,
                "--post-file=" + post,
                "--setup-file=" + dir.resolve("no-setup"));
        Run error = run(
                "daemon-check-output",
                "--start=daemon web FATAL: listening on port 8080",
                "--expected-file=" + expected,
                "--errors-file=" + errors);
        Run silent =
                run("daemon-check-output", "--start=daemon web ready", "--timeout=1", "--expected-file=" + expected);
        Run setup = run(
                "daemon-check-output",
                "--start=daemon web ready",
                "--expected-file=" + expected,
                "--setup-file=" + failingSetup);

        assertThat(ok.status()).as(ok.output()).isZero();
        assertThat(ok.output())
                .contains("PASS[daemon-check-output]: found every expected line")
                .contains("post saw ok")
                .contains("> listening on port 8080");
        assertThat(error.status()).isEqualTo(1);
        assertThat(error.output())
                .contains(
                        "FAIL[daemon-check-output]: error pattern 'FATAL' in the output: FATAL: listening on port 8080");
        assertThat(silent.status()).isEqualTo(1);
        assertThat(silent.output())
                .contains("FAIL[daemon-check-output]: expected output never appeared:")
                .contains("    listening on port [0-9]*");
        assertThat(setup.status()).isEqualTo(1);
        assertThat(setup.output())
                .contains("FAIL[daemon-check-output]: setup failed")
                .doesNotContain("started pid");
    }

    @Test
    void waitForItWaitsForThePortThenRunsTheCommand() {
        Run open = run(Map.of("NC_OPEN", "5432"), "wait-for-it", "localhost:5432", "-t", "5", "--", "echo", "ran");
        Run closed =
                run("wait-for-it", "--host=localhost", "--port=5432", "--timeout=1", "--strict", "--", "echo", "ran");
        Run lenient = run("wait-for-it", "localhost:5432", "-t", "1", "-q", "--", "echo", "ran anyway");

        assertThat(open.status()).as(open.output()).isZero();
        assertThat(open.output())
                .contains("localhost:5432 is available after 0 seconds")
                .contains("ran");
        assertThat(closed.status()).isEqualTo(124);
        assertThat(closed.output())
                .contains("timeout after 1 seconds waiting for localhost:5432")
                .contains("strict mode, not running echo")
                .doesNotContain("\nran");
        assertThat(lenient.status()).isZero();
        assertThat(lenient.output()).isEqualTo("ran anyway\n");
    }
}
