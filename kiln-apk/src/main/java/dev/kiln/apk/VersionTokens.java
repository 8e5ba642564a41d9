package dev.kiln.apk;

import java.util.List;

/** apk-tools' version tokeniser and comparison walk (apk.md §8.2, §8.3). */
final class VersionTokens {
    static final int INITIAL_DIGIT = 0;
    static final int DIGIT = 1;
    static final int LETTER = 2;
    static final int SUFFIX = 3;
    static final int SUFFIX_NO = 4;
    static final int COMMIT_HASH = 5;
    static final int REVISION_NO = 6;
    static final int END = 7;
    static final int INVALID = 8;

    /** Suffixes in ascending order; the index of "" (no suffix) separates pre-releases from post-releases. */
    private static final List<String> SUFFIXES =
            List.of("alpha", "beta", "pre", "rc", "", "cvs", "svn", "git", "hg", "p");

    private static final int NO_SUFFIX = SUFFIXES.indexOf("");

    private final String s;
    private int pos;
    private int type;
    private int start;
    private int end;
    private int suffix;

    VersionTokens(String s) {
        this.s = s == null ? "" : s;
        first();
    }

    int type() {
        return type;
    }

    private void first() {
        digits();
        type = end > start ? INITIAL_DIGIT : INVALID;
    }

    private void digits() {
        start = pos;
        while (pos < s.length() && isDigit(s.charAt(pos))) {
            pos++;
        }
        end = pos;
    }

    void next() {
        if (pos >= s.length()) {
            type = END;
            return;
        }
        char c = s.charAt(pos);
        if (c >= 'a' && c <= 'z') {
            if (type > DIGIT) {
                invalid();
                return;
            }
            start = pos;
            end = ++pos;
            type = LETTER;
        } else if (c == '.') {
            if (type > DIGIT) {
                invalid();
                return;
            }
            pos++;
            digits();
            type = end > start ? DIGIT : INVALID;
        } else if (c == '_') {
            if (type > SUFFIX_NO) {
                invalid();
                return;
            }
            pos++;
            start = pos;
            while (pos < s.length() && s.charAt(pos) >= 'a' && s.charAt(pos) <= 'z') {
                pos++;
            }
            end = pos;
            String name = s.substring(start, end);
            suffix = name.isEmpty() ? -1 : SUFFIXES.indexOf(name);
            type = suffix < 0 ? INVALID : SUFFIX;
        } else if (c == '~') {
            if (type >= COMMIT_HASH) {
                invalid();
                return;
            }
            pos++;
            start = pos;
            while (pos < s.length() && isLowerHex(s.charAt(pos))) {
                pos++;
            }
            end = pos;
            type = end > start ? COMMIT_HASH : INVALID;
        } else if (c == '-') {
            if (type >= REVISION_NO || !s.startsWith("-r", pos)) {
                invalid();
                return;
            }
            pos += 2;
            digits();
            type = end > start ? REVISION_NO : INVALID;
        } else if (isDigit(c)) {
            if (type != SUFFIX) {
                invalid();
                return;
            }
            digits();
            type = SUFFIX_NO;
        } else {
            invalid();
        }
    }

    private void invalid() {
        type = INVALID;
    }

    static int compare(String a, String b, boolean fuzzy) {
        VersionTokens ta = new VersionTokens(a);
        VersionTokens tb = new VersionTokens(b);
        while (ta.type == tb.type && ta.type < END) {
            int r = ta.compareToken(tb);
            if (r != 0) {
                return r;
            }
            ta.next();
            tb.next();
        }
        if (ta.type == tb.type) {
            return 0;
        }
        if (fuzzy && tb.type == END) {
            return 0;
        }
        if (ta.type == SUFFIX && ta.suffix < NO_SUFFIX) {
            return -1;
        }
        if (tb.type == SUFFIX && tb.suffix < NO_SUFFIX) {
            return 1;
        }
        return ta.type > tb.type ? -1 : 1;
    }

    private int compareToken(VersionTokens o) {
        return switch (type) {
            case DIGIT -> s.charAt(start) == '0' || o.s.charAt(o.start) == '0' ? compareBytes(o) : compareNumbers(o);
            case INITIAL_DIGIT, SUFFIX_NO, REVISION_NO -> compareNumbers(o);
            case LETTER -> Integer.signum(s.charAt(start) - o.s.charAt(o.start));
            case SUFFIX -> Integer.compare(suffix, o.suffix);
            default -> compareBytes(o); // COMMIT_HASH
        };
    }

    /** Numeric comparison of arbitrarily long digit runs (no 64-bit overflow). */
    private int compareNumbers(VersionTokens o) {
        int i = start;
        int j = o.start;
        while (i < end - 1 && s.charAt(i) == '0') {
            i++;
        }
        while (j < o.end - 1 && o.s.charAt(j) == '0') {
            j++;
        }
        int lenA = end - i;
        int lenB = o.end - j;
        if (lenA != lenB) {
            return lenA < lenB ? -1 : 1;
        }
        return Integer.signum(s.substring(i, end).compareTo(o.s.substring(j, o.end)));
    }

    private int compareBytes(VersionTokens o) {
        return Integer.signum(s.substring(start, end).compareTo(o.s.substring(o.start, o.end)));
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isLowerHex(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f');
    }
}
