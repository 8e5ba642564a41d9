package dev.kiln.vuln.version;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Maven's ComparableVersion ordering, flattened: items split at {@code .}, {@code -} and digit/letter
 * transitions; numbers compare numerically and beat qualifiers; known qualifiers rank
 * alpha < beta < milestone < rc < snapshot < release < sp; unknown qualifiers sort after them by text.
 */
final class MavenVersions {
    private static final List<String> QUALIFIERS = List.of("alpha", "beta", "milestone", "rc", "snapshot", "", "sp");
    private static final int RELEASE = QUALIFIERS.indexOf("");

    private MavenVersions() {}

    static int compare(String a, String b) {
        List<Object> x = items(a);
        List<Object> y = items(b);
        for (int i = 0; i < Math.max(x.size(), y.size()); i++) {
            int c = compareItem(i < x.size() ? x.get(i) : null, i < y.size() ? y.get(i) : null);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static int compareItem(@Nullable Object a, @Nullable Object b) {
        if (a == null && b == null) {
            return 0;
        }
        if (a == null) {
            return -compareItem(b, null);
        }
        if (a instanceof BigInteger n) {
            if (b == null) {
                return n.signum();
            }
            return b instanceof BigInteger m ? n.compareTo(m) : 1;
        }
        String q = (String) a;
        if (b == null) {
            return Integer.compare(rank(q), RELEASE);
        }
        if (b instanceof BigInteger) {
            return -1;
        }
        String r = (String) b;
        int c = Integer.compare(rank(q), rank(r));
        return c != 0 ? c : q.compareTo(r);
    }

    private static int rank(String q) {
        String n = switch (q) {
            case "a" -> "alpha";
            case "b" -> "beta";
            case "m" -> "milestone";
            case "cr" -> "rc";
            case "ga", "final", "release" -> "";
            default -> q;
        };
        int i = QUALIFIERS.indexOf(n);
        return i >= 0 ? i : QUALIFIERS.size();
    }

    private static List<Object> items(String v) {
        List<Object> out = new ArrayList<>();
        String s = v.toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '.' || c == '-' || c == '_') {
                i++;
                continue;
            }
            int j = i;
            boolean digit = Character.isDigit(c);
            while (j < s.length()
                    && s.charAt(j) != '.'
                    && s.charAt(j) != '-'
                    && s.charAt(j) != '_'
                    && Character.isDigit(s.charAt(j)) == digit) {
                j++;
            }
            String t = s.substring(i, j);
            out.add(digit ? new BigInteger(t) : t);
            i = j;
        }
        while (!out.isEmpty()) {
            Object last = out.get(out.size() - 1);
            if ((last instanceof BigInteger n && n.signum() == 0) || (last instanceof String q && rank(q) == RELEASE)) {
                out.remove(out.size() - 1);
            } else {
                break;
            }
        }
        return out;
    }
}
