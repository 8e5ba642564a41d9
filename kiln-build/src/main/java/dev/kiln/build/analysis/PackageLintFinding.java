package dev.kiln.build.analysis;

import dev.kiln.recipe.LintFinding.Severity;

/**
 * One package linter's complaint about a package; its severity is the one recipe lint uses (a package linter never
 * reports INFO).
 *
 * @param linter melange's linter name, e.g. {@code setuidgid}
 * @param path the offending path inside the package, without a leading slash; empty for whole-package findings
 */
public record PackageLintFinding(String linter, Severity severity, String path, String message) {

    @Override
    public String toString() {
        return severity + " [" + linter + "] " + (path.isEmpty() ? "" : path + ": ") + message;
    }
}
