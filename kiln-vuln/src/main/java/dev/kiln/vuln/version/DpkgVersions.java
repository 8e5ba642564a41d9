package dev.kiln.vuln.version;

import java.util.regex.Pattern;

/** Debian's {@code [epoch:]upstream[-revision]} ordering (deb-version(7), dpkg's verrevcmp). */
final class DpkgVersions {
    private static final Pattern VALID = Pattern.compile("^([0-9]+:)?[0-9][A-Za-z0-9.+~:-]*$");

    private DpkgVersions() {}

    static boolean isValid(String v) {
        return v != null && VALID.matcher(v).matches();
    }

    static int compare(String a, String b) {
        String[] x = split(a);
        String[] y = split(b);
        int c = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
        if (c != 0) {
            return c;
        }
        c = verrevcmp(x[1], y[1]);
        return c != 0 ? c : verrevcmp(x[2], y[2]);
    }

    private static String[] split(String v) {
        int colon = v.indexOf(':');
        String epoch =
                colon > 0 && v.substring(0, colon).chars().allMatch(Character::isDigit) ? v.substring(0, colon) : "0";
        String rest = colon > 0 ? v.substring(colon + 1) : v;
        int dash = rest.lastIndexOf('-');
        return dash < 0
                ? new String[] {epoch, rest, ""}
                : new String[] {epoch, rest.substring(0, dash), rest.substring(dash + 1)};
    }

    private static int order(String s, int i) {
        if (i >= s.length()) {
            return 0;
        }
        char c = s.charAt(i);
        if (Character.isDigit(c)) {
            return 0;
        }
        if (Character.isLetter(c)) {
            return c;
        }
        return c == '~' ? -1 : c + 256;
    }

    private static int verrevcmp(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() || j < b.length()) {
            int firstDiff = 0;
            while ((i < a.length() && !Character.isDigit(a.charAt(i)))
                    || (j < b.length() && !Character.isDigit(b.charAt(j)))) {
                int ac = order(a, i);
                int bc = order(b, j);
                if (ac != bc) {
                    return ac - bc;
                }
                i++;
                j++;
            }
            while (i < a.length() && a.charAt(i) == '0') {
                i++;
            }
            while (j < b.length() && b.charAt(j) == '0') {
                j++;
            }
            while (i < a.length()
                    && Character.isDigit(a.charAt(i))
                    && j < b.length()
                    && Character.isDigit(b.charAt(j))) {
                if (firstDiff == 0) {
                    firstDiff = a.charAt(i) - b.charAt(j);
                }
                i++;
                j++;
            }
            if (i < a.length() && Character.isDigit(a.charAt(i))) {
                return 1;
            }
            if (j < b.length() && Character.isDigit(b.charAt(j))) {
                return -1;
            }
            if (firstDiff != 0) {
                return firstDiff;
            }
        }
        return 0;
    }
}
