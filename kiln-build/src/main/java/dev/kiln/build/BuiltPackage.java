package dev.kiln.build;

import java.nio.file.Path;
import java.util.List;

/**
 * One package a build produced.
 *
 * @param file      the published {@code .apk} (inside the repository once the build succeeded)
 * @param sha256    hex SHA-256 of the file
 * @param identity  apk-tools identity ({@code Q1…}, the index's {@code C:})
 * @param hardening rendered hardening table of every ELF file in the package
 * @param warnings  linter findings that did not fail the build
 */
public record BuiltPackage(
        String name,
        String fullVersion,
        Path file,
        String sha256,
        String identity,
        long installedSize,
        List<String> depends,
        List<String> provides,
        boolean hardeningPassed,
        int elfFiles,
        String hardening,
        List<String> warnings) {
    public BuiltPackage {
        depends = List.copyOf(depends);
        provides = List.copyOf(provides);
        warnings = List.copyOf(warnings);
    }

    BuiltPackage withFile(Path published) {
        return new BuiltPackage(
                name,
                fullVersion,
                published,
                sha256,
                identity,
                installedSize,
                depends,
                provides,
                hardeningPassed,
                elfFiles,
                hardening,
                warnings);
    }
}
