package dev.kiln.build.analysis;

import java.util.List;

/**
 * What the scanner found in one package directory; every list sorted and free of duplicates.
 *
 * @param depends detected dependency atoms, minus those the package satisfies itself
 * @param provides provided atoms ({@code so:}, {@code so-ver:}, {@code cmd:}, {@code pc:})
 * @param vendored provides found outside the library directories; written as {@code # vendored =}
 *     comments, never offered to the solver
 */
public record ScanResult(List<String> depends, List<String> provides, List<String> vendored) {

    public ScanResult {
        depends = List.copyOf(depends);
        provides = List.copyOf(provides);
        vendored = List.copyOf(vendored);
    }
}
