package dev.kiln.content;

/** A 1-based line and column in a text file; {@link #UNKNOWN} is 0:0. */
public record Position(int line, int column) {
    public static final Position UNKNOWN = new Position(0, 0);
}
