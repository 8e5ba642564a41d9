package dev.kiln.recipe;

/** A 1-based line and column in a recipe file. */
public record Position(int line, int column) {
    public static final Position UNKNOWN = new Position(0, 0);
}
