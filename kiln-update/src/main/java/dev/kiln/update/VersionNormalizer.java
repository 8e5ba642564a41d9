package dev.kiln.update;

import dev.kiln.apk.ApkVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * Turns raw upstream tags into APK versions in the documented order (recipes.md 9.1): tag
 * filters, {@code ignore-regex-patterns}, {@code version-separator}, strip prefix and suffix,
 * {@code version-transform}, APK version parse; then pre-release and stream filters. Every
 * rejected tag keeps its reason so a report can say why a candidate was skipped.
 */
public final class VersionNormalizer {
    private static final Pattern PRERELEASE =
            Pattern.compile("(?i)(?<![a-z])(alpha|beta|rc|pre|preview|dev|snapshot|nightly|canary)(?![a-z])");
    private static final Pattern GO_GROUP = Pattern.compile("\\$\\{(\\d+)}");

    private VersionNormalizer() {}

    /** A tag accepted as a version. */
    public record Candidate(
            String raw, String version, @Nullable String commit) {}

    /** A tag rejected, and why. */
    public record Skipped(String raw, String reason) {}

    public record Outcome(List<Candidate> candidates, List<Skipped> skipped) {
        public Outcome {
            candidates = List.copyOf(candidates);
            skipped = List.copyOf(skipped);
        }
    }

    public static Outcome normalize(MonitorConfig config, List<UpstreamTag> tags) {
        List<Candidate> ok = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (UpstreamTag tag : tags) {
            String reason = null;
            String v = tag.name();
            if (config.filterPrefix() != null
                    && !config.filterPrefix().isEmpty()
                    && !v.startsWith(config.filterPrefix())) {
                reason = "does not start with filter prefix '" + config.filterPrefix() + "'";
            } else if (config.filterContains() != null
                    && !config.filterContains().isEmpty()
                    && !v.contains(config.filterContains())) {
                reason = "does not contain filter '" + config.filterContains() + "'";
            } else {
                reason = ignored(config, v);
            }
            if (reason == null) {
                if (config.versionSeparator() != null
                        && !config.versionSeparator().isEmpty()) {
                    v = v.replace(config.versionSeparator(), ".");
                }
                v = strip(v, config.stripPrefix(), config.stripSuffix());
                for (MonitorConfig.Transform t : config.versionTransform()) {
                    v = transform(config, t, v);
                }
                if (!config.enablePrerelease() && PRERELEASE.matcher(tag.name()).find()) {
                    reason = "pre-release";
                } else if (!ApkVersion.isValid(v)) {
                    reason = "'" + v + "' is not a valid APK version";
                } else if (config.streamPrefix() != null && !v.startsWith(config.streamPrefix())) {
                    reason = "outside the version stream " + config.streamPrefix() + "x";
                }
            }
            if (reason == null) {
                ok.add(new Candidate(tag.name(), v, tag.commit()));
            } else {
                skipped.add(new Skipped(tag.name(), reason));
            }
        }
        return new Outcome(ok, skipped);
    }

    private static @Nullable String ignored(MonitorConfig config, String raw) {
        for (String p : config.ignoreRegexPatterns()) {
            try {
                if (Pattern.compile(p).matcher(raw).find()) {
                    return "matches ignore-regex-patterns '" + p + "'";
                }
            } catch (PatternSyntaxException e) {
                throw new UpdateException(
                        config.packageName(),
                        "update.ignore-regex-patterns: invalid regex '" + p + "': " + e.getDescription());
            }
        }
        return null;
    }

    private static String strip(String v, @Nullable String prefix, @Nullable String suffix) {
        if (prefix != null && !prefix.isEmpty() && v.startsWith(prefix)) {
            v = v.substring(prefix.length());
        }
        if (suffix != null && !suffix.isEmpty() && v.endsWith(suffix)) {
            v = v.substring(0, v.length() - suffix.length());
        }
        return v;
    }

    private static String transform(MonitorConfig config, MonitorConfig.Transform t, String v) {
        try {
            // Go writes ${1} where Java writes $1; both accept $1.
            String replacement =
                    GO_GROUP.matcher(t.replace() == null ? "" : t.replace()).replaceAll("\\$$1");
            return Pattern.compile(t.match()).matcher(v).replaceAll(replacement);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new UpdateException(
                    config.packageName(),
                    "update.version-transform: cannot apply match '" + t.match() + "' replace '" + t.replace() + "': "
                            + e.getMessage());
        }
    }

    /** The highest candidate by APK version ordering, if any. */
    public static java.util.Optional<Candidate> newest(List<Candidate> candidates) {
        return candidates.stream().max((a, b) -> ApkVersion.compare(a.version(), b.version()));
    }
}
