package dev.kiln.vuln.compare;

import java.time.Duration;
import java.time.Instant;

/**
 * How long ago something was built, as a person says it: minutes within the hour, hours within two
 * days, then days. One wording for {@code kiln compare} and any other view of freshness.
 */
public final class Age {
    private Age() {}

    /** "just now", "1 minute ago", "5 hours ago", "12 days ago"; "in the future" for a clock ahead of {@code now}. */
    public static String ago(Instant built, Instant now) {
        Duration d = Duration.between(built, now);
        if (d.isNegative()) {
            return "in the future";
        }
        if (d.toMinutes() < 1) {
            return "just now";
        }
        if (d.toHours() < 1) {
            return plural(d.toMinutes(), "minute") + " ago";
        }
        if (d.toHours() < 48) {
            return plural(d.toHours(), "hour") + " ago";
        }
        return plural(d.toDays(), "day") + " ago";
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
