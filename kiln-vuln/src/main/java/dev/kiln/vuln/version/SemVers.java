package dev.kiln.vuln.version;

import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * Semantic Versioning 2.0 precedence. Tolerates a leading {@code v} (Go) and fewer than three numeric
 * components (missing ones are 0); build metadata is ignored as the spec requires.
 */
final class SemVers {
    private static final Pattern VALID =
            Pattern.compile("^v?[0-9]+(\\.[0-9]+){0,2}(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?$");

    private SemVers() {}

    static boolean isValid(String v) {
        return v != null && VALID.matcher(v).matches();
    }

    static int compare(String a, String b) {
        String[] x = parts(a);
        String[] y = parts(b);
        String[] xc = x[0].split("\\.");
        String[] yc = y[0].split("\\.");
        for (int i = 0; i < 3; i++) {
            int c = number(i < xc.length ? xc[i] : "0").compareTo(number(i < yc.length ? yc[i] : "0"));
            if (c != 0) {
                return c;
            }
        }
        if (x[1] == null || y[1] == null) {
            return x[1] == null ? (y[1] == null ? 0 : 1) : -1;
        }
        String[] xp = x[1].split("\\.");
        String[] yp = y[1].split("\\.");
        for (int i = 0; i < Math.min(xp.length, yp.length); i++) {
            boolean xn = xp[i].chars().allMatch(Character::isDigit);
            boolean yn = yp[i].chars().allMatch(Character::isDigit);
            int c = xn && yn ? number(xp[i]).compareTo(number(yp[i])) : xn ? -1 : yn ? 1 : xp[i].compareTo(yp[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(xp.length, yp.length);
    }

    /** {core, pre-release or null}. */
    private static String[] parts(String v) {
        String s = v.startsWith("v") ? v.substring(1) : v;
        int plus = s.indexOf('+');
        if (plus >= 0) {
            s = s.substring(0, plus);
        }
        int dash = s.indexOf('-');
        return dash < 0 ? new String[] {s, null} : new String[] {s.substring(0, dash), s.substring(dash + 1)};
    }

    private static BigInteger number(String s) {
        try {
            return new BigInteger(s);
        } catch (NumberFormatException e) {
            return BigInteger.ZERO;
        }
    }
}
