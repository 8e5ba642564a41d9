package dev.kiln.vuln.version;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEP 440 ordering: epoch, release, pre-release, post-release, development release, local label. */
final class Pep440Versions {
    private static final Pattern VERSION = Pattern.compile(
            "^\\s*v?(?:([0-9]+)!)?([0-9]+(?:\\.[0-9]+)*)"
                    + "(?:[-_.]?(a|alpha|b|beta|c|rc|pre|preview)[-_.]?([0-9]*))?"
                    + "(?:-([0-9]+)|[-_.]?(post|rev|r)[-_.]?([0-9]*))?"
                    + "(?:[-_.]?(dev)[-_.]?([0-9]*))?"
                    + "(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\\s*$",
            Pattern.CASE_INSENSITIVE);

    private Pep440Versions() {}

    static boolean isValid(String v) {
        return v != null && VERSION.matcher(v).matches();
    }

    static int compare(String a, String b) {
        Key x = key(a);
        Key y = key(b);
        int c = x.epoch.compareTo(y.epoch);
        if (c != 0) {
            return c;
        }
        for (int i = 0; i < Math.max(x.release.size(), y.release.size()); i++) {
            c = get(x.release, i).compareTo(get(y.release, i));
            if (c != 0) {
                return c;
            }
        }
        c = Long.compare(x.pre[0], y.pre[0]);
        if (c == 0) {
            c = Long.compare(x.pre[1], y.pre[1]);
        }
        if (c == 0) {
            c = Long.compare(x.post, y.post);
        }
        if (c == 0) {
            c = Long.compare(x.dev, y.dev);
        }
        return c != 0 ? c : x.local.compareTo(y.local);
    }

    // bytes carried as they are; nothing compares these records with equals (arrays compare by identity)
    @SuppressWarnings("ArrayRecordComponent")
    private record Key(BigInteger epoch, List<BigInteger> release, long[] pre, long post, long dev, String local) {}

    private static Key key(String v) {
        Matcher m = VERSION.matcher(v);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a PEP 440 version: " + v);
        }
        BigInteger epoch = m.group(1) == null ? BigInteger.ZERO : new BigInteger(m.group(1));
        List<BigInteger> release = new ArrayList<>();
        for (String p : m.group(2).split("\\.")) {
            release.add(new BigInteger(p));
        }
        boolean hasPost = m.group(5) != null || m.group(6) != null;
        boolean hasDev = m.group(8) != null;
        long[] pre;
        if (m.group(3) != null) {
            String kind = m.group(3).toLowerCase(Locale.ROOT);
            long rank = kind.startsWith("a") ? 0 : kind.startsWith("b") ? 1 : 2;
            pre = new long[] {rank, num(m.group(4))};
        } else if (!hasPost && hasDev) {
            pre = new long[] {-1, 0}; // 1.0.dev1 sorts before 1.0a1
        } else {
            pre = new long[] {Long.MAX_VALUE, 0};
        }
        long post = !hasPost ? -1 : m.group(5) != null ? num(m.group(5)) : num(m.group(7));
        long dev = hasDev ? num(m.group(9)) : Long.MAX_VALUE;
        String local = m.group(10) == null ? "" : m.group(10).toLowerCase(Locale.ROOT);
        return new Key(epoch, release, pre, post, dev, local);
    }

    private static long num(String s) {
        return s == null || s.isEmpty() ? 0 : Long.parseLong(s);
    }

    private static BigInteger get(List<BigInteger> l, int i) {
        return i < l.size() ? l.get(i) : BigInteger.ZERO;
    }
}
