package dev.kiln.content;

import java.util.Objects;

/**
 * One thing wrong with an input file (a recipe, an image config, an advisory document), located in it: line and
 * column are 1-based, 0 when unknown. Loaders collect every problem of a file and report them together.
 */
public record Problem(String file, int line, int column, String message) {
    public Problem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
    }

    public Problem(String file, Position at, String message) {
        this(file, at.line(), at.column(), message);
    }

    public Position position() {
        return new Position(line, column);
    }

    /** {@code file:line:col: message}, as compilers write it. */
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}
