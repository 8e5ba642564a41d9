package dev.kiln.vuln.vex;

import dev.kiln.content.ContentException;
import dev.kiln.content.Purl;
import java.util.Objects;

/**
 * go-vex purl matching: same type, namespace and name; a version in the statement's purl must be equal; every
 * qualifier of the statement's purl must be present with the same value in the scanned one. Text that is no
 * purl matches only itself.
 */
final class PurlMatch {
    private PurlMatch() {}

    static boolean matches(String statement, String scanned) {
        Purl a;
        Purl b;
        try {
            a = Purl.parse(statement);
            b = Purl.parse(scanned);
        } catch (ContentException notAPurl) {
            return statement.equals(scanned);
        }
        if (!a.type().equals(b.type())
                || !Objects.equals(a.namespace(), b.namespace())
                || !a.name().equals(b.name())
                || (a.version() != null && !a.version().equals(b.version()))) {
            return false;
        }
        return a.qualifiers().entrySet().stream().allMatch(e -> e.getValue().equals(b.qualifier(e.getKey())));
    }
}
