package dev.kiln.build.analysis;

import static dev.kiln.build.analysis.ElfFixtures.install;
import static dev.kiln.build.analysis.ElfFixtures.installText;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HardeningCheckIT {

    @TempDir
    static Path dir;

    static ElfFixtures elf;

    @BeforeAll
    static void build() throws IOException {
        elf = new ElfFixtures(Files.createDirectories(dir.resolve("elf")));
    }

    @Test
    void hardenedBinariesPassAndWeakOnesFailWithReasons() throws IOException {
        Path pkg = Files.createDirectories(dir.resolve("mixed"));
        install(elf.hardened, pkg, "usr/bin/good", "755");
        install(elf.weak, pkg, "usr/bin/weak", "755");
        install(elf.library, pkg, "usr/lib/libdemo.so.1", "755");
        install(elf.staticBinary, pkg, "usr/bin/static", "755");
        install(elf.cetObject, pkg, "usr/lib/cet.o", "644");
        installText("#!/bin/sh\n", pkg, "usr/bin/script", "755");

        HardeningReport report = new HardeningCheck().check(pkg);
        Map<String, ElfHardening> byPath =
                report.files().stream().collect(Collectors.toMap(ElfHardening::path, Function.identity()));

        assertThat(byPath).containsOnlyKeys("usr/bin/good", "usr/bin/weak", "usr/lib/libdemo.so.1", "usr/bin/static");
        ElfHardening good = byPath.get("usr/bin/good");
        assertThat(good.passed()).isTrue();
        assertThat(good)
                .extracting(
                        ElfHardening::pie,
                        ElfHardening::relro,
                        ElfHardening::bindNow,
                        ElfHardening::nxStack,
                        ElfHardening::canary,
                        ElfHardening::fortify)
                .containsOnly(true);

        ElfHardening weak = byPath.get("usr/bin/weak");
        assertThat(weak.failures()).hasSize(4);
        assertThat(String.join("\n", weak.failures()))
                .contains("position-independent", "RELRO", "lazy binding", "executable stack");
        assertThat(weak.canary()).isFalse();

        assertThat(byPath.get("usr/lib/libdemo.so.1").passed())
                .as("a library needs no PIE")
                .isTrue();
        ElfHardening statik = byPath.get("usr/bin/static");
        assertThat(statik.isStatic()).isTrue();
        assertThat(statik.passed()).isTrue();

        assertThat(report.passed()).isFalse();
        assertThat(report.failed()).extracting(ElfHardening::path).containsExactly("usr/bin/weak");
        String table = report.render();
        assertThat(table.lines().findFirst())
                .hasValueSatisfying(h ->
                        assertThat(h).contains("FILE", "PIE", "RELRO", "BIND_NOW", "NX", "CANARY", "FORTIFY", "CET"));
        assertThat(table).contains("FAIL usr/bin/weak: executable stack").contains("static");
    }

    @Test
    void packageWithOnlyHardenedBinariesPasses() throws IOException {
        Path pkg = Files.createDirectories(dir.resolve("clean"));
        install(elf.hardened, pkg, "usr/bin/good", "755");

        assertThat(new HardeningCheck().check(pkg).passed()).isTrue();
    }
}
