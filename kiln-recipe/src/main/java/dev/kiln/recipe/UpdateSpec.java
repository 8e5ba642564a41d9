package dev.kiln.recipe;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** The {@code update} block, read by the update bot (recipes.md section 9). Absent parts are null. */
public record UpdateSpec(
        boolean enabled,
        boolean manual,
        boolean requireSequential,
        boolean shared,
        @Nullable String versionSeparator,
        List<String> ignoreRegexPatterns,
        List<VersionTransform> versionTransform,
        @Nullable String excludeReason,
        @Nullable Schedule schedule,
        boolean enablePrereleaseTags,
        @Nullable ReleaseMonitor releaseMonitor,
        @Nullable GitHubMonitor github,
        @Nullable GitMonitor git,
        @Nullable OciMonitor oci) {
    public UpdateSpec {
        ignoreRegexPatterns = List.copyOf(ignoreRegexPatterns);
        versionTransform = List.copyOf(versionTransform);
    }

    public record VersionTransform(String match, String replace) {}

    public record Schedule(
            @Nullable String period, @Nullable String reason) {}

    public record ReleaseMonitor(
            long identifier,
            @Nullable String stripPrefix,
            @Nullable String stripSuffix,
            @Nullable String versionFilterPrefix,
            @Nullable String versionFilterContains) {}

    public record GitHubMonitor(
            String identifier,
            @Nullable String stripPrefix,
            @Nullable String stripSuffix,
            @Nullable String tagFilter,
            @Nullable String tagFilterPrefix,
            @Nullable String tagFilterContains,
            boolean useTag) {}

    public record GitMonitor(
            @Nullable String stripPrefix,
            @Nullable String stripSuffix,
            @Nullable String tagFilterPrefix,
            @Nullable String tagFilterContains) {}

    public record OciMonitor(
            @Nullable String identifier,
            @Nullable String stripPrefix,
            @Nullable String stripSuffix,
            @Nullable String tagFilterPrefix,
            @Nullable String tagFilterContains) {}
}
