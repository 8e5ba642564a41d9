package dev.kiln.build.analysis;

import java.util.List;

/**
 * Hardening properties of one ELF file in a package.
 *
 * @param path path inside the package, without a leading slash
 * @param failures human-readable reasons this file fails the check; empty when it passes
 */
public record ElfHardening(
        String path,
        boolean pie,
        boolean relro,
        boolean bindNow,
        boolean nxStack,
        boolean canary,
        boolean fortify,
        boolean cet,
        boolean isStatic,
        List<String> failures) {

    public ElfHardening {
        failures = List.copyOf(failures);
    }

    public boolean passed() {
        return failures.isEmpty();
    }
}
