package dev.kiln.vuln.vex;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * go-vex purl matching: same type, namespace and name; a version in the statement's purl must be equal; every
 * qualifier of the statement's purl must be present with the same value in the scanned one.
 */
final class Purl {
    private Purl() {}

    static boolean matches(String statement, String scanned) {
        if (!statement.startsWith("pkg:") || !scanned.startsWith("pkg:")) {
            return statement.equals(scanned);
        }
        String[] a = split(statement);
        String[] b = split(scanned);
        if (!a[0].equals(b[0]) || (!a[1].isEmpty() && !a[1].equals(b[1]))) {
            return false;
        }
        Map<String, String> qa = qualifiers(a[2]);
        Map<String, String> qb = qualifiers(b[2]);
        return qa.entrySet().stream().allMatch(e -> e.getValue().equals(qb.get(e.getKey())));
    }

    /** {type/namespace/name, version, qualifiers}. */
    private static String[] split(String purl) {
        String s = purl;
        int hash = s.indexOf('#');
        if (hash >= 0) {
            s = s.substring(0, hash);
        }
        String q = "";
        int question = s.indexOf('?');
        if (question >= 0) {
            q = s.substring(question + 1);
            s = s.substring(0, question);
        }
        String v = "";
        int at = s.lastIndexOf('@');
        if (at > s.lastIndexOf('/')) {
            v = decode(s.substring(at + 1));
            s = s.substring(0, at);
        }
        return new String[] {decode(s), v, q};
    }

    private static Map<String, String> qualifiers(String q) {
        Map<String, String> m = new HashMap<>();
        if (!q.isEmpty()) {
            for (String kv : q.split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    m.put(kv.substring(0, eq).toLowerCase(java.util.Locale.ROOT), decode(kv.substring(eq + 1)));
                }
            }
        }
        return m;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
