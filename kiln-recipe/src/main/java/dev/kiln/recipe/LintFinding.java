package dev.kiln.recipe;

/** One lint result, located in the recipe file. */
public record LintFinding(String rule, Severity severity, String file, int line, int column, String message) {
    public enum Severity {
        ERROR,
        WARNING,
        INFO
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + severity.name().toLowerCase(java.util.Locale.ROOT) + ": "
                + message + " [" + rule + "]";
    }
}
