package dev.kiln.recipe;

import java.util.List;

/** The {@code update} block, read by the update bot (recipes.md section 9). Absent parts are null. */
public record UpdateSpec(
        boolean enabled,
        boolean manual,
        boolean requireSequential,
        boolean shared,
        String versionSeparator,
        List<String> ignoreRegexPatterns,
        List<VersionTransform> versionTransform,
        String excludeReason,
        Schedule schedule,
        boolean enablePrereleaseTags,
        ReleaseMonitor releaseMonitor,
        GitHubMonitor github,
        GitMonitor git,
        OciMonitor oci) {
    public UpdateSpec {
        ignoreRegexPatterns = List.copyOf(ignoreRegexPatterns);
        versionTransform = List.copyOf(versionTransform);
    }

    public record VersionTransform(String match, String replace) {}

    public record Schedule(String period, String reason) {}

    public record ReleaseMonitor(
            long identifier,
            String stripPrefix,
            String stripSuffix,
            String versionFilterPrefix,
            String versionFilterContains) {}

    public record GitHubMonitor(
            String identifier,
            String stripPrefix,
            String stripSuffix,
            String tagFilter,
            String tagFilterPrefix,
            String tagFilterContains,
            boolean useTag) {}

    public record GitMonitor(
            String stripPrefix, String stripSuffix, String tagFilterPrefix, String tagFilterContains) {}

    public record OciMonitor(
            String identifier,
            String stripPrefix,
            String stripSuffix,
            String tagFilterPrefix,
            String tagFilterContains) {}
}
