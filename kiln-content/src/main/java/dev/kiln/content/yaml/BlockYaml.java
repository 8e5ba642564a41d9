package dev.kiln.content.yaml;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A fast composer for the block-style YAML that advisory documents are written in: indented mappings and
 * sequences, plain and one-line quoted scalars, literal block scalars, comments. It builds the {@link YamlNode}
 * tree that {@link YamlTree} builds from SnakeYAML's composer, with the same values, styles and start positions
 * and the same scalar ends (a test holds it to that over the whole Wolfi advisory corpus), about ten times
 * faster; a mapping or list ends where its last value ends. Anything outside that subset (flow collections,
 * anchors, tags, merge keys, folded or multi-line flow scalars, several documents, tabs, escapes, characters
 * outside the Basic Multilingual Plane) makes {@link #compose} return null, and the caller uses SnakeYAML,
 * which also owns every syntax error message.
 */
final class BlockYaml {
    /** Thrown inside the composer when the text leaves the subset; never escapes {@link #compose}. */
    private static final class Unsupported extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unsupported() {
            super(null, null, false, false);
        }
    }

    // stackless and without a message, so one shared instance costs nothing and carries no state
    @SuppressWarnings("StaticAssignmentOfThrowable")
    private static final Unsupported UNSUPPORTED = new Unsupported();

    private final String text;
    private final int[] starts; // offset of each line's first character
    private final int lineCount;
    private int line; // the next line to read
    private int itemColumn = -1; // when >= 0, the current line starts at this column (after "- ")

    private BlockYaml(String text) {
        if (!text.endsWith("\n")) {
            throw UNSUPPORTED; // a last line without a break ends scalars differently; not worth copying
        }
        this.text = text;
        int[] s = new int[64];
        int n = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                if (n == s.length) {
                    s = java.util.Arrays.copyOf(s, n * 2);
                }
                s[n++] = i + 1;
            } else if (c == '\t' || c == '\r' || Character.isSurrogate(c)) {
                // a surrogate pair is one column to the parser and two to Java: not worth mapping
                throw UNSUPPORTED;
            }
        }
        starts = java.util.Arrays.copyOf(s, n);
        lineCount = starts.length - 1;
    }

    /** The document's root node, or null when the text is outside the subset this composer reads. */
    static @Nullable YamlNode compose(String text) {
        try {
            BlockYaml y = new BlockYaml(text);
            y.skipBlank();
            if (y.line >= y.lineCount || y.indent(y.line) != 0) {
                return null;
            }
            YamlNode root = y.block(0);
            y.skipBlank();
            return y.line < y.lineCount ? null : root;
        } catch (Unsupported e) {
            return null;
        }
    }

    private int lineEnd(int l) {
        return l + 1 < starts.length ? starts[l + 1] - 1 : text.length();
    }

    private int indent(int l) {
        int i = starts[l];
        int end = lineEnd(l);
        while (i < end && text.charAt(i) == ' ') {
            i++;
        }
        return i - starts[l];
    }

    /** Blank and comment-only lines. */
    private boolean isBlank(int l) {
        int i = starts[l] + indent(l);
        return i >= lineEnd(l) || text.charAt(i) == '#';
    }

    private void skipBlank() {
        while (line < lineCount && itemColumn < 0 && isBlank(line)) {
            line++;
        }
    }

    /** The text offset of column {@code col} (0-based) of line {@code l}; a line past the last is the end. */
    private int offset(int l, int col) {
        return starts[Math.min(l, starts.length - 1)] + col;
    }

    /** From column {@code col} of line {@code l} (both 0-based) to offset {@code end}. */
    private YamlNode.Location location(int l, int col, int end) {
        return new YamlNode.Location(l + 1, col + 1, offset(l, col), end);
    }

    private static int end(YamlNode node) {
        return node.location().end();
    }

    private boolean dashAt(int l, int col) {
        int i = starts[l] + col;
        int end = lineEnd(l);
        return i < end && text.charAt(i) == '-' && (i + 1 == end || text.charAt(i + 1) == ' ');
    }

    private YamlNode block(int col) {
        return dashAt(line, col) ? sequence(col) : mapping(col);
    }

    private YamlNode.Sequence sequence(int col) {
        List<YamlNode> items = new ArrayList<>();
        int startLine = line;
        while (true) {
            int l = line;
            int i = starts[l] + col + 1;
            int end = lineEnd(l);
            while (i < end && text.charAt(i) == ' ') {
                i++;
            }
            if (i >= end || text.charAt(i) == '#') {
                throw UNSUPPORTED; // an item on the following lines
            }
            int itemCol = i - starts[l];
            if (keyEnd(l, itemCol) >= 0) {
                itemColumn = itemCol;
                items.add(mapping(itemCol));
            } else {
                items.add(scalar(l, itemCol, col));
                line++;
            }
            skipBlank();
            if (line >= lineCount || indent(line) != col || !dashAt(line, col)) {
                if (line < lineCount && indent(line) > col) {
                    throw UNSUPPORTED;
                }
                break;
            }
        }
        return new YamlNode.Sequence(items, location(startLine, col, end(items.get(items.size() - 1))));
    }

    /** The offset of the ':' that ends a plain key at {@code col}, or -1 when the line holds no key there. */
    private int keyEnd(int l, int col) {
        int i = starts[l] + col;
        int end = lineEnd(l);
        char first = text.charAt(i);
        if ("[]{}#&*!|>'\"%@`,?-:".indexOf(first) >= 0) {
            if (first == '\''
                    || first == '"'
                    || first == '['
                    || first == '{'
                    || first == '?'
                    || first == '&'
                    || first == '!'
                    || first == '*') {
                throw UNSUPPORTED;
            }
            return -1;
        }
        for (; i < end; i++) {
            char c = text.charAt(i);
            if (c == ':' && (i + 1 == end || text.charAt(i + 1) == ' ')) {
                return i;
            }
            if (c == '#' && text.charAt(i - 1) == ' ') {
                return -1;
            }
        }
        return -1;
    }

    private YamlNode.Mapping mapping(int col) {
        List<YamlNode.Entry> entries = new ArrayList<>();
        int startLine = line;
        while (true) {
            int l = line;
            int colon = keyEnd(l, col);
            if (colon < 0) {
                throw UNSUPPORTED; // a plain scalar where a key belongs: SnakeYAML says what is wrong
            }
            int keyStart = starts[l] + col;
            int keyStop = colon;
            while (text.charAt(keyStop - 1) == ' ') {
                keyStop--;
            }
            String name = text.substring(keyStart, keyStop);
            if (name.equals("<<")) {
                throw UNSUPPORTED; // a merge key: YamlTree applies it
            }
            YamlNode.Scalar key = plain(name, location(l, col, keyStop));
            itemColumn = -1;
            int i = colon + 1;
            int end = lineEnd(l);
            while (i < end && text.charAt(i) == ' ') {
                i++;
            }
            YamlNode value;
            if (i >= end || text.charAt(i) == '#') {
                line++;
                skipBlank();
                if (line < lineCount && indent(line) > col) {
                    value = block(indent(line));
                } else if (line < lineCount && indent(line) == col && dashAt(line, col)) {
                    value = sequence(col);
                } else {
                    value = plain("", location(l, colon + 1 - starts[l], colon + 1));
                }
            } else if (text.charAt(i) == '|') {
                value = literal(l, i - starts[l], col);
            } else {
                value = scalar(l, i - starts[l], col);
                line++;
            }
            entries.add(new YamlNode.Entry(key, value));
            skipBlank();
            if (line >= lineCount) {
                break;
            }
            int next = indent(line);
            if (next > col) {
                throw UNSUPPORTED;
            }
            if (next < col || dashAt(line, col)) {
                break;
            }
        }
        return new YamlNode.Mapping(
                entries,
                location(startLine, col, end(entries.get(entries.size() - 1).value())));
    }

    /**
     * A one-line scalar starting at {@code col} of line {@code l}: plain, single- or double-quoted;
     * {@code owner} is the column of the mapping or sequence that holds it.
     */
    private YamlNode.Scalar scalar(int l, int col, int owner) {
        int i = starts[l] + col;
        int end = lineEnd(l);
        char first = text.charAt(i);
        if (first == '\'' || first == '"') {
            StringBuilder sb = new StringBuilder();
            int j = i + 1;
            while (true) {
                if (j >= end) {
                    throw UNSUPPORTED; // continues on the next line
                }
                char c = text.charAt(j);
                if (c == first) {
                    if (first == '\'' && j + 1 < end && text.charAt(j + 1) == '\'') {
                        sb.append('\'');
                        j += 2;
                        continue;
                    }
                    break;
                }
                if (c == '\\' && first == '"') {
                    throw UNSUPPORTED;
                }
                sb.append(c);
                j++;
            }
            int after = j + 1;
            trailer(after, end);
            return new YamlNode.Scalar(
                    sb.toString(),
                    first == '"' ? YamlNode.Style.DOUBLE_QUOTED : YamlNode.Style.SINGLE_QUOTED,
                    false,
                    location(l, col, after));
        }
        if ("[]{}#&*!|>%@`,?".indexOf(first) >= 0
                || ((first == '-' || first == ':') && (i + 1 == end || text.charAt(i + 1) == ' '))) {
            throw UNSUPPORTED;
        }
        int stop = i;
        for (int j = i; j < end; j++) {
            char c = text.charAt(j);
            if (c == ':' && (j + 1 == end || text.charAt(j + 1) == ' ')) {
                throw UNSUPPORTED; // a second mapping value on the line
            }
            if (c == '#' && text.charAt(j - 1) == ' ') {
                break;
            }
            if (c != ' ') {
                stop = j + 1;
            }
        }
        if (continues(l, owner)) {
            throw UNSUPPORTED; // a plain scalar folded over several lines
        }
        return plain(text.substring(i, stop), location(l, col, stop));
    }

    /** A plain scalar; SnakeYAML's resolver reads nothing, {@code ~} and the three spellings of null as null. */
    private static YamlNode.Scalar plain(String value, YamlNode.Location location) {
        boolean isNull = switch (value) {
            case "", "~", "null", "Null", "NULL" -> true;
            default -> false;
        };
        return new YamlNode.Scalar(value, YamlNode.Style.PLAIN, isNull, location);
    }

    /** Whether the next content line is indented past the scalar's owner: a plain scalar continued there. */
    private boolean continues(int l, int owner) {
        int n = l + 1;
        while (n < lineCount && isBlank(n)) {
            n++;
        }
        return n < lineCount && indent(n) > owner;
    }

    private void trailer(int from, int end) {
        for (int j = from; j < end; j++) {
            char c = text.charAt(j);
            if (c == '#' && j > from) {
                return;
            }
            if (c != ' ') {
                throw UNSUPPORTED;
            }
        }
    }

    /** A literal block scalar ({@code |}, {@code |-}, {@code |+}) whose indicator is at {@code col}. */
    private YamlNode.Scalar literal(int l, int col, int parentIndent) {
        int i = starts[l] + col + 1;
        int end = lineEnd(l);
        char chomp = ' ';
        if (i < end && (text.charAt(i) == '-' || text.charAt(i) == '+')) {
            chomp = text.charAt(i++);
        }
        trailer(i, end);
        int n = l + 1;
        int indent = -1;
        for (int k = n; k < lineCount; k++) {
            if (lineEnd(k) - starts[k] > indent(k)) {
                indent = indent(k);
                break;
            }
            if (indent(k) > 0) {
                throw UNSUPPORTED; // leading space-only lines decide the indentation in ways not worth copying
            }
        }
        if (indent <= parentIndent) {
            throw UNSUPPORTED; // empty block scalar
        }
        StringBuilder sb = new StringBuilder();
        int trailingBreaks = 0;
        int k = n;
        for (; k < lineCount; k++) {
            int len = lineEnd(k) - starts[k];
            int ind = indent(k);
            if (ind == len) { // empty or spaces only
                if (len > indent) {
                    throw UNSUPPORTED;
                }
                trailingBreaks++;
                continue;
            }
            if (ind < indent) {
                break;
            }
            sb.append("\n".repeat(trailingBreaks));
            trailingBreaks = 0;
            sb.append(text, starts[k] + indent, lineEnd(k)).append('\n');
        }
        String value = sb.toString();
        if (chomp == '-') {
            value = value.substring(0, value.length() - 1);
        } else if (chomp == '+') {
            value = value + "\n".repeat(trailingBreaks);
        }
        line = k;
        // SnakeYAML ends a block scalar just after its last line break
        return new YamlNode.Scalar(value, YamlNode.Style.LITERAL, false, location(l, col, offset(k, 0)));
    }
}
