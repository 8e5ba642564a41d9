package dev.kiln.apk;

import java.util.regex.Pattern;

/**
 * An apk-tools package version ({@code number{.number}...{letter}{_suffix{number}}...{~hash}{-r#}}),
 * ordered by apk-tools' token walk (apk.md §8). Equality is textual; {@link #compareTo} may return
 * 0 for different texts (e.g. {@code 01} and {@code 1}), as apk-tools does.
 */
public final class ApkVersion implements Comparable<ApkVersion> {
    /** go-apk's grammar (apk.md §11): what melange can build, used to validate recipe versions. */
    private static final Pattern STRICT = Pattern.compile(
            "^([0-9]+)((\\.[0-9]+)*)([a-z]?)((_alpha|_beta|_pre|_rc)([0-9]*))?((_cvs|_svn|_git|_hg|_p)([0-9]*))?((-r)([0-9]+))?$");

    private final String text;

    private ApkVersion(String text) {
        this.text = text;
    }

    public static ApkVersion parse(String text) {
        if (!isValid(text)) {
            throw new ApkException("invalid apk version '" + text
                    + "': expected number{.number}[letter]{_suffix[number]}[~hash][-rN]");
        }
        return new ApkVersion(text);
    }

    public static boolean isValid(String text) {
        if (text == null) {
            return false;
        }
        VersionTokens t = new VersionTokens(text);
        while (t.type() < VersionTokens.END) {
            t.next();
        }
        return t.type() == VersionTokens.END;
    }

    /** True when go-apk (and so melange/apko) also accepts the version. */
    public static boolean isStrict(String text) {
        return text != null && STRICT.matcher(text).matches();
    }

    /** apk-tools ordering of two version strings; invalid versions compare as apk-tools does. */
    public static int compare(String a, String b) {
        return VersionTokens.compare(a, b, false);
    }

    /** The {@code ~} operator: {@code version} equals {@code prefix} or continues it token-wise. */
    public static boolean fuzzyMatch(String version, String prefix) {
        return VersionTokens.compare(version, prefix, true) == 0;
    }

    /** Fuzzy comparison: 0 when {@code prefix} is a token prefix of {@code version}. */
    public static int compareFuzzy(String version, String prefix) {
        return VersionTokens.compare(version, prefix, true);
    }

    /** The {@code -rN} package epoch, 0 when absent. */
    public int revision() {
        int dash = text.lastIndexOf("-r");
        return dash < 0 ? 0 : Integer.parseInt(text.substring(dash + 2));
    }

    /** The version without its {@code -rN} suffix. */
    public String upstream() {
        int dash = text.lastIndexOf("-r");
        return dash < 0 ? text : text.substring(0, dash);
    }

    @Override
    public int compareTo(ApkVersion other) {
        return compare(text, other.text);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApkVersion v && v.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
