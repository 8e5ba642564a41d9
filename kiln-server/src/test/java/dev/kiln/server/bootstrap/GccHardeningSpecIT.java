package dev.kiln.server.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.build.analysis.HardeningCheck;
import dev.kiln.build.analysis.HardeningReport;
import dev.kiln.testkit.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bootstrap/gcc's hardening spec with a real gcc (the host's, the same major as the recipe's): with the spec and
 * no flags at all, executables and shared libraries pass Kiln's per-ELF hardening check and code sees
 * _FORTIFY_SOURCE=3; without it the same commands do not, so the spec is what hardens them.
 */
class GccHardeningSpecIT {
    static final Path SPEC = BootstrapRecipesTest.BOOTSTRAP.resolve("gcc/kiln-hardening-x86_64.spec");

    @TempDir
    Path dir;

    @BeforeEach
    void requireGcc() {
        Tools.require("gcc", "apt-get install gcc");
        Tools.require(
                System.getProperty("os.arch").equals("amd64"), "these checks use the x86_64 spec", "an x86_64 host");
    }

    private void gcc(boolean withSpec, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("gcc"));
        if (withSpec) {
            command.add("-specs=" + SPEC);
        }
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed:\n" + output);
        }
    }

    private HardeningReport buildPackage(boolean withSpec) throws IOException, InterruptedException {
        Files.writeString(dir.resolve("hello.c"), "#include <stdio.h>\nint main(void){puts(\"hi\");return 0;}\n");
        Files.writeString(dir.resolve("lib.c"), "int answer(void){return 42;}\n");
        Path pkg = dir.resolve(withSpec ? "with" : "without");
        Files.createDirectories(pkg.resolve("usr/bin"));
        Files.createDirectories(pkg.resolve("usr/lib"));
        gcc(withSpec, "-o", pkg.resolve("usr/bin/hello").toString(), "hello.c");
        // a shared library linked as Makefiles do, with no -pie to break it (what LDFLAGS=-pie did to mpdecimal)
        gcc(
                withSpec,
                "-shared",
                "-fPIC",
                "-o",
                pkg.resolve("usr/lib/libanswer.so").toString(),
                "lib.c");
        return new HardeningCheck().check(pkg);
    }

    @Test
    void withTheSpecAndNoFlagsEveryElfPassesKilnsHardeningCheck() throws Exception {
        HardeningReport report = buildPackage(true);

        assertThat(report.files()).hasSize(2);
        assertThat(report.passed()).as(report.render()).isTrue();
    }

    @Test
    void withoutTheSpecTheSameCommandsFailTheCheck() throws Exception {
        HardeningReport report = buildPackage(false);

        assertThat(report.passed()).as(report.render()).isFalse();
    }

    @Test
    void theSpecDefinesFortifySourceThreeUnlessTheCommandSetsItsOwn() throws Exception {
        Files.writeString(
                dir.resolve("fortify.c"),
                "#if !defined(_FORTIFY_SOURCE) || _FORTIFY_SOURCE != 3\n#error not fortified\n#endif\nint x;\n");
        Files.writeString(
                dir.resolve("own.c"),
                "#if _FORTIFY_SOURCE != 1\n#error the command's own level must win\n#endif\nint y;\n");

        gcc(true, "-c", "fortify.c");
        gcc(true, "-c", "-D_FORTIFY_SOURCE=1", "own.c");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> gcc(false, "-c", "fortify.c")))
                .hasMessageContaining("not fortified");
    }
}
