package dev.kiln.update;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How often the reconcile loop runs: {@code 90s}, {@code 15m}, {@code 1h}, {@code 1d}, or combined ({@code 1h30m}). */
public final class Interval {
    private static final Pattern WHOLE = Pattern.compile("(\\d+[smhd])+");
    private static final Pattern PART = Pattern.compile("(\\d+)([smhd])");

    private Interval() {}

    public static Duration parse(String text) {
        if (text == null || !WHOLE.matcher(text).matches()) {
            throw new UpdateException(
                    "--every", "expected a duration such as 90s, 15m, 1h or 1h30m, found '" + text + "'");
        }
        Duration d = Duration.ZERO;
        Matcher m = PART.matcher(text);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(
                    switch (m.group(2)) {
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        default -> Duration.ofDays(n);
                    });
        }
        if (d.isZero()) {
            throw new UpdateException("--every", "expected a positive duration, found '" + text + "'");
        }
        return d;
    }
}
