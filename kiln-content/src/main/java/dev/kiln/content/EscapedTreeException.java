package dev.kiln.content;

/**
 * A write into a {@link ContainedTree} was refused because its path would leave the tree: a
 * component is a symbolic link, is not a directory, or a {@code ..} climbs above the root.
 */
public class EscapedTreeException extends ContentException {
    private static final long serialVersionUID = 1L;
    private final String path;

    public EscapedTreeException(String path, String message) {
        super(message);
        this.path = path;
    }

    public EscapedTreeException(String path, String message, Throwable cause) {
        super(message, cause);
        this.path = path;
    }

    /** The refused path, relative to the tree's root, as the caller gave it. */
    public String path() {
        return path;
    }
}
