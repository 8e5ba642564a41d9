package dev.kiln.build.analysis;

/**
 * One linter's complaint about a package.
 *
 * @param linter melange's linter name, e.g. {@code setuidgid}
 * @param path the offending path inside the package, without a leading slash; empty for whole-package findings
 */
public record LintFinding(String linter, Severity severity, String path, String message) {

    @Override
    public String toString() {
        return severity + " [" + linter + "] " + (path.isEmpty() ? "" : path + ": ") + message;
    }
}
