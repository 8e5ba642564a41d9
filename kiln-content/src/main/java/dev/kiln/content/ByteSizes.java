package dev.kiln.content;

import java.util.Locale;

/** Byte counts as people write and read them: {@code 64G} on a command line, {@code 1.4 MiB} on a page. */
public final class ByteSizes {
    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB"};

    private ByteSizes() {}

    /**
     * {@code 512}, {@code 512M}, {@code 64G}, {@code 1T} (binary multiples; a trailing {@code B} and case
     * are ignored).
     *
     * @throws IllegalArgumentException naming what was expected and what was found
     */
    public static long parse(String text) {
        String s = text.strip().toUpperCase(Locale.ROOT);
        if (s.endsWith("B")) {
            s = s.substring(0, s.length() - 1);
        }
        int shift = 0;
        if (!s.isEmpty()) {
            int unit = "KMGT".indexOf(s.charAt(s.length() - 1));
            if (unit >= 0) {
                shift = 10 * (unit + 1);
                s = s.substring(0, s.length() - 1);
            }
        }
        try {
            long n = Long.parseLong(s);
            if (n <= 0 || n > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a positive size such as 512M or 64G, got '" + text + "'");
        }
    }

    /** {@code 980 B}, {@code 1.4 MiB}; {@code bytes} must not be negative. */
    public static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < UNITS.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, UNITS[u]);
    }
}
