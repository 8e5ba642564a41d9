package dev.kiln.recipe;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * melange's {@code package.timeout}: a Go duration such as {@code 2h}, {@code 90m} or {@code 1h30m},
 * the limit on the whole build. A bare number is refused rather than guessed at (Go would read it as
 * nanoseconds, a human as seconds or minutes).
 */
public final class BuildTimeout {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|m|s|ms)");

    private BuildTimeout() {}

    /**
     * Parses a recipe's timeout.
     *
     * @throws IllegalArgumentException naming what was expected and what was found
     */
    public static Duration parse(String text) {
        String s = text.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("expected a duration such as 2h, 90m or 1h30m, got an empty value");
        }
        Matcher m = PART.matcher(s);
        double seconds = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double n = Double.parseDouble(m.group(1));
            seconds += switch (m.group(2)) {
                case "h" -> n * 3600;
                case "m" -> n * 60;
                case "s" -> n;
                default -> n / 1000;
            };
            end = m.end();
        }
        if (end != s.length()) {
            throw new IllegalArgumentException(
                    "expected a duration such as 2h, 90m or 1h30m (units h, m, s, ms), got '" + text + "'");
        }
        Duration d = Duration.ofMillis(Math.round(seconds * 1000));
        if (d.isZero()) {
            throw new IllegalArgumentException("the build timeout must be longer than zero, got '" + text + "'");
        }
        return d;
    }
}
