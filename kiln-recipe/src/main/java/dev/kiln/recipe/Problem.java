package dev.kiln.recipe;

import java.util.Objects;

/** One thing wrong with a recipe, located in its file (line and column are 1-based, 0 when unknown). */
public record Problem(String file, int line, int column, String message) {
    public Problem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}
