package dev.kiln.recipe.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Go {@code regexp} semantics where Java differs: RE2 pattern syntax (no backreferences or
 * lookaround; {@code (?P<name>)} groups) and {@code Regexp.Expand} templates, where {@code $1x}
 * names a group called "1x" and {@code ${1}} is group 1 (recipes.md section 6.4).
 */
public final class GoRegex {
    private GoRegex() {}

    /**
     * Compiles an RE2 pattern as a Java pattern.
     *
     * @throws IllegalArgumentException with the reason when RE2 would not accept the pattern
     */
    public static Pattern compile(String re2) {
        for (String banned : new String[] {"(?=", "(?!", "(?<=", "(?<!", "(?>"}) {
            if (re2.contains(banned)) {
                throw new IllegalArgumentException("lookaround '" + banned + "' is not supported by Go regexp");
            }
        }
        StringBuilder java = new StringBuilder(re2.length());
        for (int i = 0; i < re2.length(); i++) {
            char c = re2.charAt(i);
            if (c == '\\' && i + 1 < re2.length()) {
                char n = re2.charAt(i + 1);
                if (n >= '1' && n <= '9') {
                    throw new IllegalArgumentException("backreference '\\" + n + "' is not supported by Go regexp");
                }
                java.append(c).append(n);
                i++;
            } else if (re2.startsWith("(?P<", i)) {
                java.append("(?<");
                i += 3;
            } else {
                java.append(c);
            }
        }
        try {
            return Pattern.compile(java.toString());
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(e.getDescription() + " near index " + e.getIndex(), e);
        }
    }

    /** Replaces every match of {@code pattern} in {@code input}, expanding {@code template} as Go does. */
    public static String replaceAll(Pattern pattern, String input, String template) {
        Matcher m = pattern.matcher(input);
        StringBuilder out = new StringBuilder();
        int last = 0;
        while (m.find()) {
            out.append(input, last, m.start());
            expand(m, template, out);
            last = m.end();
        }
        return out.append(input, last, input.length()).toString();
    }

    static void expand(Matcher m, String template, StringBuilder out) {
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '$' || i + 1 >= template.length()) {
                out.append(c);
                i++;
                continue;
            }
            char n = template.charAt(i + 1);
            if (n == '$') {
                out.append('$');
                i += 2;
                continue;
            }
            String name;
            int next;
            if (n == '{') {
                int close = template.indexOf('}', i + 2);
                name = close < 0 ? "" : template.substring(i + 2, close);
                next = close + 1;
                if (close < 0 || name.isEmpty() || !isName(name)) {
                    out.append('$'); // malformed: Go keeps the '$' as text
                    i++;
                    continue;
                }
            } else {
                int j = i + 1;
                while (j < template.length() && isNameChar(template.charAt(j))) {
                    j++;
                }
                if (j == i + 1) {
                    out.append('$');
                    i++;
                    continue;
                }
                name = template.substring(i + 1, j);
                next = j;
            }
            out.append(group(m, name));
            i = next;
        }
    }

    private static String group(Matcher m, String name) {
        String v = null;
        if (name.chars().allMatch(Character::isDigit)) {
            try {
                int n = Integer.parseInt(name);
                if (n <= m.groupCount()) {
                    v = m.group(n);
                }
            } catch (NumberFormatException e) {
                v = null;
            }
        } else if (Character.isLetter(name.charAt(0)) && name.chars().allMatch(Character::isLetterOrDigit)) {
            try {
                v = m.group(name);
            } catch (IllegalArgumentException e) {
                v = null; // Go expands a group the pattern lacks to nothing
            }
        }
        return v == null ? "" : v;
    }

    private static boolean isName(String s) {
        return s.chars().allMatch(ch -> isNameChar((char) ch));
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
