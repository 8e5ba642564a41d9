package dev.kiln.build.analysis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Verifies the hardened compiler and linker flags on every ELF executable and shared object of a
 * package (DESIGN.md: "hardened compiler/linker flags verified on every ELF").
 *
 * <p>PIE (executables), RELRO, BIND_NOW and a non-executable stack are required. Stack canaries,
 * fortification and CET are recorded only: a program without arrays on the stack or without calls to
 * fortifiable functions legitimately lacks them, so their absence proves nothing.
 */
public final class HardeningCheck {

    public HardeningReport check(Path packageDir) {
        List<ElfHardening> results = new ArrayList<>();
        for (Path file : DependencyScanner.files(packageDir)) {
            String rel = DependencyScanner.relative(packageDir, file);
            if (rel.startsWith("usr/lib/debug/")) {
                continue;
            }
            Optional<ElfFile> elf;
            try {
                elf = ElfFile.read(file);
            } catch (AnalysisException e) {
                results.add(new ElfHardening(
                        rel, false, false, false, false, false, false, false, false, List.of(e.getMessage())));
                continue;
            }
            elf.filter(e -> e.type() == ElfFile.Type.EXEC || e.type() == ElfFile.Type.DYN)
                    .ifPresent(e -> results.add(assess(rel, e)));
        }
        return new HardeningReport(results);
    }

    static ElfHardening assess(String path, ElfFile elf) {
        boolean executable = elf.interpreter().isPresent() || elf.type() == ElfFile.Type.EXEC || elf.isStatic();
        List<String> failures = new ArrayList<>();
        if (executable && !elf.isPie() && !elf.isStatic()) {
            failures.add("not a position-independent executable (build with -fPIE -pie)");
        }
        // A static non-PIE binary has no dynamic relocations to protect, so RELRO/BIND_NOW do not apply.
        boolean relocatable = elf.isDynamic();
        if (relocatable && !elf.hasRelro()) {
            failures.add("no RELRO segment (link with -Wl,-z,relro)");
        }
        if (relocatable && !elf.hasBindNow()) {
            failures.add("lazy binding (link with -Wl,-z,now)");
        }
        if (elf.hasExecutableStack()) {
            failures.add("executable stack (link with -Wl,-z,noexecstack)");
        }
        return new ElfHardening(
                path,
                elf.isPie(),
                elf.hasRelro(),
                elf.hasBindNow(),
                !elf.hasExecutableStack(),
                elf.hasStackCanary(),
                elf.isFortified(),
                elf.hasCet(),
                elf.isStatic(),
                failures);
    }
}
