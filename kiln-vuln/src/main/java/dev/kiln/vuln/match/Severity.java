package dev.kiln.vuln.match;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Severity buckets, most severe first; {@code UNKNOWN} when no source rates the vulnerability. */
public enum Severity {
    CRITICAL,
    HIGH,
    MEDIUM,
    LOW,
    UNKNOWN;

    /** Parses GHSA/NVD/Debian words ({@code MODERATE} is medium, {@code NEGLIGIBLE} and {@code UNIMPORTANT} low). */
    public static Severity parse(@Nullable String s) {
        if (s == null) {
            return UNKNOWN;
        }
        return switch (s.trim().toUpperCase(Locale.ROOT)) {
            case "CRITICAL" -> CRITICAL;
            case "HIGH", "IMPORTANT" -> HIGH;
            case "MEDIUM", "MODERATE" -> MEDIUM;
            case "LOW", "NEGLIGIBLE", "UNIMPORTANT" -> LOW;
            default -> UNKNOWN;
        };
    }

    /** True when this is at least as severe as {@code threshold} (UNKNOWN never is, unless asked for). */
    public boolean atLeast(Severity threshold) {
        return this == threshold || (this != UNKNOWN && compareTo(threshold) < 0);
    }
}
