package dev.kiln.recipe.internal;

import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Replaces <code>${{ name }}</code> references (recipes.md section 6.1). A name is letters, digits,
 * '.', '-' and '_'. A <code>${{</code> that some <code>}}</code> closes before the next <code>${{</code> but that
 * is not a reference (an expression such as <code>${{a == "b" &amp;&amp; "c" || ""}}</code>) is left as
 * written, as melange does; one that nothing closes is an error, since it is almost always a typo
 * (<code>${{package.name}}</code>) that would otherwise leak into the package as text.
 */
public final class Substitution {
    private Substitution() {}

    /** Thrown by {@link #apply} through the lookup when a name has no value. */
    public static final class UnknownVariable extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String name;

        public UnknownVariable(String name) {
            super("unknown variable ${{" + name + "}}", null, false, false);
            this.name = name;
        }

        public String name() {
            return name;
        }
    }

    /** Thrown by {@link #apply} for a <code>${{</code> that nothing closes; {@link #offset()} is where it starts. */
    public static final class Unterminated extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int offset;

        public Unterminated(String text, int offset) {
            super(describeUnterminated(text, offset), null, false, false);
            this.offset = offset;
        }

        public int offset() {
            return offset;
        }
    }

    /**
     * Substitutes every reference; {@code lookup} returns null for an unknown name, which is then
     * left in place when {@code keepUnknown} is set and otherwise reported as {@link UnknownVariable};
     * likewise an unterminated <code>${{</code> is kept or reported as {@link Unterminated}.
     */
    public static String apply(String text, Function<String, @Nullable String> lookup, boolean keepUnknown) {
        int at = text.indexOf("${{");
        if (at < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 32);
        int from = 0;
        while (at >= 0) {
            int end = referenceEnd(text, at);
            if (end < 0 && !keepUnknown && isUnterminated(text, at, text.length())) {
                throw new Unterminated(text, at);
            }
            if (end < 0) {
                out.append(text, from, at + 3);
                from = at + 3;
            } else {
                String name = referenceName(text, at, end);
                String value = lookup.apply(name);
                if (value == null) {
                    if (!keepUnknown) {
                        throw new UnknownVariable(name);
                    }
                    out.append(text, from, end);
                } else {
                    out.append(text, from, at).append(value);
                }
                from = end;
            }
            at = text.indexOf("${{", from);
        }
        return out.append(text, from, text.length()).toString();
    }

    /** End index (exclusive) of the reference starting at {@code at}, or -1 if it is not one. */
    public static int referenceEnd(String s, int at) {
        int i = at + 3;
        while (i < s.length() && s.charAt(i) == ' ') {
            i++;
        }
        int nameStart = i;
        while (i < s.length() && isNameChar(s.charAt(i))) {
            i++;
        }
        if (i == nameStart) {
            return -1;
        }
        while (i < s.length() && s.charAt(i) == ' ') {
            i++;
        }
        return s.startsWith("}}", i) ? i + 2 : -1;
    }

    /**
     * Whether the <code>${{</code> at {@code at} is neither a reference nor closed by a <code>}}</code> before
     * the next <code>${{</code> or {@code to}.
     */
    public static boolean isUnterminated(String s, int at, int to) {
        int end = referenceEnd(s, at);
        if (end >= 0 && end <= to) {
            return false;
        }
        int close = s.indexOf("}}", at + 3);
        int next = s.indexOf("${{", at + 3);
        if (close < 0 || close + 2 > to) {
            return true;
        }
        return next >= 0 && next < close;
    }

    /** The message for an unterminated <code>${{</code> at {@code at}, quoting the rest of its line. */
    public static String describeUnterminated(String s, int at) {
        int eol = s.indexOf('\n', at);
        String rest = s.substring(at, eol < 0 ? s.length() : eol);
        if (rest.length() > 48) {
            rest = rest.substring(0, 48) + "…";
        }
        return "unterminated '${{': expected a variable name then '}}' (as in ${{package.version}}), found '" + rest
                + "'";
    }

    public static String referenceName(String s, int at, int end) {
        return s.substring(at + 3, end - 2).strip();
    }

    static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '.'
                || c == '-'
                || c == '_';
    }
}
