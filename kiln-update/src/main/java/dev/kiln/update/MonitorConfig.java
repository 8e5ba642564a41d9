package dev.kiln.update;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where to look for new versions of one package and how to read what is found there, taken
 * from the recipe's {@code update:} block (recipes.md section 9).
 *
 * @param kind          which monitor answers
 * @param target        git repository URL, GitHub {@code org/repo}, or release-monitoring project id
 * @param useTag        GitHub only: list tags instead of releases
 * @param filterPrefix  keep only raw tags starting with this (tag-filter-prefix, version-filter-prefix)
 * @param filterContains keep only raw tags containing this
 * @param streamPrefix  a version stream pin such as {@code 3.12.}: normalised versions must start with it
 */
public record MonitorConfig(
        String packageName,
        Kind kind,
        String target,
        boolean useTag,
        @Nullable String stripPrefix,
        @Nullable String stripSuffix,
        @Nullable String filterPrefix,
        @Nullable String filterContains,
        @Nullable String versionSeparator,
        List<String> ignoreRegexPatterns,
        List<Transform> versionTransform,
        boolean enablePrerelease,
        @Nullable String streamPrefix) {

    public enum Kind {
        GIT,
        GITHUB,
        RELEASE_MONITOR,
        HTTP_DIRECTORY
    }

    /** One {@code version-transform} entry, with Go's replacement syntax. */
    public record Transform(String match, String replace) {}

    public MonitorConfig {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(target, "target");
        ignoreRegexPatterns = List.copyOf(ignoreRegexPatterns);
        versionTransform = List.copyOf(versionTransform);
    }

    /** The monitor and its target as shown in reports, e.g. {@code github:curl/curl}. */
    public String describe() {
        return switch (kind) {
            case GIT -> "git:" + target;
            case GITHUB -> "github" + (useTag ? "-tags:" : ":") + target;
            case RELEASE_MONITOR -> "release-monitor:" + target;
            case HTTP_DIRECTORY -> "http-directory:" + target;
        };
    }
}
