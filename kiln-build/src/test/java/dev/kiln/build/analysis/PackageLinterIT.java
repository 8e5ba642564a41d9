package dev.kiln.build.analysis;

import static dev.kiln.build.analysis.ElfFixtures.install;
import static dev.kiln.build.analysis.ElfFixtures.installText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.kiln.recipe.LintFinding.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageLinterIT {

    @TempDir
    Path pkg;

    private final PackageLinter linter = new PackageLinter();

    @Test
    void cleanPackageHasNoFindings() throws IOException {
        installText("#!/bin/sh\n", pkg, "usr/bin/tool", "755");
        installText("x", pkg, "usr/share/doc/tool/README", "644");
        Files.createSymbolicLink(pkg.resolve("bin"), Path.of("usr/bin"));

        assertThat(linter.lint(pkg, "tool", Set.of())).isEmpty();
    }

    @Test
    void requiredLintersAreErrors() throws IOException {
        installText("#!/bin/sh\n", pkg, "usr/bin/su", "4755");
        installText("data", pkg, "usr/share/tool/data", "666");
        installText("#!/bin/sh\n", pkg, "usr/sbin/daemon", "755");
        installText("# libtool\n", pkg, "usr/lib/libfoo.la", "644");
        installText("", pkg, "var/run/tool.pid", "644");
        installText("", pkg, "var/empty/x", "644");
        installText("", pkg, "dev/null", "644");
        installText("", pkg, "usr/share/info/dir", "644");

        List<PackageLintFinding> findings = linter.lint(pkg, "tool", Set.of());

        assertThat(findings)
                .extracting(PackageLintFinding::linter, PackageLintFinding::severity, PackageLintFinding::path)
                .containsExactly(
                        tuple("dev", Severity.ERROR, "dev/null"),
                        tuple("infodir", Severity.ERROR, "usr/share/info/dir"),
                        tuple("libtool/la-files", Severity.ERROR, "usr/lib/libfoo.la"),
                        tuple("setuidgid", Severity.ERROR, "usr/bin/su"),
                        tuple("tempdir", Severity.ERROR, "var/run/tool.pid"),
                        tuple("usrmerge", Severity.ERROR, "usr/sbin"),
                        tuple("varempty", Severity.ERROR, "var/empty/x"),
                        tuple("worldwrite", Severity.ERROR, "usr/share/tool/data"));
        assertThat(findings.get(3).message()).contains("4755", "setuid");
        assertThat(findings.get(5).message()).contains("and 1 more paths");
    }

    @Test
    void disabledRequiredLintersBecomeWarningsAndDisabledWarningsVanish() throws IOException {
        installText("#!/bin/sh\n", pkg, "usr/bin/su", "2755");
        installText("", pkg, "opt/vendor/thing", "644");

        assertThat(linter.lint(pkg, "tool", Set.of("setuidgid", "opt")))
                .extracting(PackageLintFinding::linter, PackageLintFinding::severity)
                .containsExactly(tuple("setuidgid", Severity.WARNING));
        assertThat(linter.lint(pkg, "tool", Set.of()))
                .extracting(PackageLintFinding::linter, PackageLintFinding::severity)
                .containsExactly(tuple("opt", Severity.WARNING), tuple("setuidgid", Severity.ERROR));
    }

    @Test
    void warningLinters() throws IOException {
        installText("", pkg, "opt/x", "644");
        installText("", pkg, "srv/www/index.html", "644");
        installText("", pkg, "usr/local/bin/x", "755");
        installText("!<arch>\n", pkg, "usr/lib/libfoo.a", "644");
        installText("", pkg, "usr/lib/foo.o", "644");

        assertThat(linter.lint(pkg, "tool", Set.of()))
                .allMatch(f -> f.severity() == Severity.WARNING)
                .extracting(PackageLintFinding::linter)
                .containsExactly("object", "opt", "srv", "staticarchive", "usrlocal");
        assertThat(linter.lint(pkg, "tool-compat", Set.of()))
                .extracting(PackageLintFinding::linter)
                .containsExactly("object", "staticarchive");
        assertThat(linter.lint(pkg, "tool-dev", Set.of()))
                .extracting(PackageLintFinding::linter)
                .doesNotContain("staticarchive");
        // the catalog's zstd-static was warned about its libzstd.a: melange expects archives in -static too
        assertThat(linter.lint(pkg, "tool-static", Set.of()))
                .extracting(PackageLintFinding::linter)
                .doesNotContain("staticarchive");
    }

    @Test
    void unstrippedElfIsAWarning(@TempDir Path build) throws IOException {
        ElfFixtures elf = new ElfFixtures(build);
        install(elf.withDebug, pkg, "usr/bin/debuggy", "755");
        install(elf.hardened, pkg, "usr/bin/stripped", "755");

        assertThat(linter.lint(pkg, "tool", Set.of()))
                .extracting(PackageLintFinding::linter, PackageLintFinding::severity, PackageLintFinding::path)
                .containsExactly(tuple("strip", Severity.WARNING, "usr/bin/debuggy"));
    }
}
