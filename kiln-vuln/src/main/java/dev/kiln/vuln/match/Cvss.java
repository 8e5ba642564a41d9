package dev.kiln.vuln.match;

import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** CVSS v3.x base score from a vector string (FIRST CVSS v3.1 specification, section 7.1), to rate OSV records. */
final class Cvss {
    private Cvss() {}

    static Severity severity(@Nullable String vectorOrScore) {
        double score = score(vectorOrScore);
        if (score < 0) {
            return Severity.UNKNOWN;
        }
        return score >= 9
                ? Severity.CRITICAL
                : score >= 7
                        ? Severity.HIGH
                        : score >= 4 ? Severity.MEDIUM : score > 0 ? Severity.LOW : Severity.UNKNOWN;
    }

    /** The base score, or -1 when the text is neither a number nor a CVSS v3 vector. */
    static double score(@Nullable String s) {
        if (s == null) {
            return -1;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException ignored) {
            // a vector, below
        }
        if (!s.startsWith("CVSS:3.")) {
            return -1;
        }
        Map<String, String> m = new HashMap<>();
        for (String part : s.split("/")) {
            int colon = part.indexOf(':');
            if (colon > 0) {
                m.put(part.substring(0, colon), part.substring(colon + 1));
            }
        }
        boolean changed = "C".equals(m.get("S"));
        Double av = pick(m.get("AV"), "N", .85, "A", .62, "L", .55, "P", .2);
        Double ac = pick(m.get("AC"), "L", .77, "H", .44);
        Double pr = changed
                ? pick(m.get("PR"), "N", .85, "L", .68, "H", .5)
                : pick(m.get("PR"), "N", .85, "L", .62, "H", .27);
        Double ui = pick(m.get("UI"), "N", .85, "R", .62);
        Double c = pick(m.get("C"), "H", .56, "L", .22, "N", 0.0);
        Double i = pick(m.get("I"), "H", .56, "L", .22, "N", 0.0);
        Double a = pick(m.get("A"), "H", .56, "L", .22, "N", 0.0);
        if (av == null || ac == null || pr == null || ui == null || c == null || i == null || a == null) {
            return -1;
        }
        double iss = 1 - (1 - c) * (1 - i) * (1 - a);
        double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15) : 6.42 * iss;
        double exploitability = 8.22 * av * ac * pr * ui;
        if (impact <= 0) {
            return 0;
        }
        return roundUp(Math.min((changed ? 1.08 : 1) * (impact + exploitability), 10));
    }

    private static @Nullable Double pick(@Nullable String v, Object... pairs) {
        for (int k = 0; k + 1 < pairs.length; k += 2) {
            if (pairs[k].equals(v)) {
                return (Double) pairs[k + 1];
            }
        }
        return null;
    }

    private static double roundUp(double x) {
        long n = Math.round(x * 100000);
        return n % 10000 == 0 ? n / 100000.0 : (Math.floor(n / 10000.0) + 1) / 10.0;
    }
}
