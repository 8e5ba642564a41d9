package dev.kiln.content;

/** The tar entry types Kiln reads and writes, with their ustar type flags. */
public enum TarType {
    FILE('0'),
    HARDLINK('1'),
    SYMLINK('2'),
    CHAR_DEVICE('3'),
    BLOCK_DEVICE('4'),
    DIRECTORY('5'),
    FIFO('6');

    private final char flag;

    TarType(char flag) {
        this.flag = flag;
    }

    public char flag() {
        return flag;
    }

    /** Maps a ustar type flag to a type; NUL and '7' (contiguous) are plain files. */
    public static TarType ofFlag(char flag) {
        return switch (flag) {
            case '0', '\0', '7' -> FILE;
            case '1' -> HARDLINK;
            case '2' -> SYMLINK;
            case '3' -> CHAR_DEVICE;
            case '4' -> BLOCK_DEVICE;
            case '5' -> DIRECTORY;
            case '6' -> FIFO;
            default -> throw new ContentException("unsupported tar entry type '" + flag + "'");
        };
    }
}
