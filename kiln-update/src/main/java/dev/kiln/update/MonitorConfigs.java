package dev.kiln.update;

import dev.kiln.recipe.PipelineStep;
import dev.kiln.recipe.Recipe;
import dev.kiln.recipe.UpdateSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Maps a recipe's {@code update:} block onto a {@link MonitorConfig}, or says precisely why it cannot. */
public final class MonitorConfigs {
    private static final Pattern STREAM = Pattern.compile(".*-(\\d+(?:\\.\\d+)*)");
    private static final Pattern SUBST = Pattern.compile("\\$\\{\\{\\s*([a-zA-Z0-9_.-]+)\\s*}}");

    private MonitorConfigs() {}

    /** A config, or the reason there is none. Exactly one of the two is non-null. */
    public record Resolution(
            @Nullable MonitorConfig config, @Nullable String unsupported) {
        public boolean supported() {
            return config != null;
        }
    }

    public static Resolution of(Recipe recipe) {
        UpdateSpec u = recipe.update();
        if (u == null) {
            return new Resolution(null, "no update block");
        }
        if (!u.enabled()) {
            return new Resolution(
                    null,
                    "updates disabled"
                            + (u.excludeReason() == null
                                    ? ""
                                    : ": " + u.excludeReason().strip()));
        }
        if (u.manual()) {
            return new Resolution(null, "manual updates only");
        }
        String name = recipe.pkg().name();
        String stream = streamPrefix(name, recipe.pkg().version());
        List<MonitorConfig.Transform> transforms = u.versionTransform().stream()
                .map(t -> new MonitorConfig.Transform(t.match(), t.replace()))
                .toList();
        // melange's precedence when several sources are written: release-monitor, github, git
        if (u.releaseMonitor() != null) {
            UpdateSpec.ReleaseMonitor r = u.releaseMonitor();
            return new Resolution(
                    new MonitorConfig(
                            name,
                            MonitorConfig.Kind.RELEASE_MONITOR,
                            Long.toString(r.identifier()),
                            false,
                            r.stripPrefix(),
                            r.stripSuffix(),
                            r.versionFilterPrefix(),
                            r.versionFilterContains(),
                            u.versionSeparator(),
                            u.ignoreRegexPatterns(),
                            transforms,
                            u.enablePrereleaseTags(),
                            stream),
                    null);
        }
        if (u.github() != null) {
            UpdateSpec.GitHubMonitor g = u.github();
            if (g.identifier() == null || !g.identifier().matches("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")) {
                return new Resolution(
                        null, "update.github.identifier: expected org/repo, found '" + g.identifier() + "'");
            }
            String prefix = g.tagFilterPrefix() != null ? g.tagFilterPrefix() : g.tagFilter();
            return new Resolution(
                    new MonitorConfig(
                            name,
                            MonitorConfig.Kind.GITHUB,
                            g.identifier(),
                            g.useTag(),
                            g.stripPrefix(),
                            g.stripSuffix(),
                            prefix,
                            g.tagFilterContains(),
                            u.versionSeparator(),
                            u.ignoreRegexPatterns(),
                            transforms,
                            u.enablePrereleaseTags(),
                            stream),
                    null);
        }
        if (u.git() != null) {
            UpdateSpec.GitMonitor g = u.git();
            Optional<String> repo = firstInput(recipe.pipeline(), "git-checkout", "repository");
            if (repo.isEmpty()) {
                return new Resolution(null, "update.git: the pipeline has no git-checkout step to read tags from");
            }
            String url = substitute(repo.get(), recipe);
            if (url.contains("${{")) {
                return new Resolution(
                        null, "update.git: cannot resolve the repository '" + repo.get() + "' without a build");
            }
            return new Resolution(
                    new MonitorConfig(
                            name,
                            MonitorConfig.Kind.GIT,
                            url,
                            true,
                            g.stripPrefix(),
                            g.stripSuffix(),
                            g.tagFilterPrefix(),
                            g.tagFilterContains(),
                            u.versionSeparator(),
                            u.ignoreRegexPatterns(),
                            transforms,
                            u.enablePrereleaseTags(),
                            stream),
                    null);
        }
        if (u.oci() != null) {
            return new Resolution(null, "update.oci: image tag monitoring is not supported");
        }
        // No source named: a release tarball whose URI carries the version is followed through
        // the directory listing it lives in (GNU-style name-X.Y.Z.tar.gz links).
        Optional<String> uri = firstInput(recipe.pipeline(), "fetch", "uri");
        if (uri.isPresent() && uri.get().contains("${{package.version}}")) {
            String template = substitute(uri.get().replace("${{package.version}}", VERSION_MARK), recipe);
            if (!template.contains("${{") && template.lastIndexOf('/') > template.indexOf("://") + 2) {
                return new Resolution(
                        new MonitorConfig(
                                name,
                                MonitorConfig.Kind.HTTP_DIRECTORY,
                                template.replace(VERSION_MARK, HttpDirectoryMonitor.VERSION_PLACEHOLDER),
                                false,
                                null,
                                null,
                                null,
                                null,
                                u.versionSeparator(),
                                u.ignoreRegexPatterns(),
                                transforms,
                                u.enablePrereleaseTags(),
                                stream),
                        null);
            }
        }
        return new Resolution(
                null,
                "update block names no source (release-monitor, github or git) and no fetch URI carries the version");
    }

    /** A package named like {@code python-3.12} at version 3.12.x stays on 3.12.x. */
    static @Nullable String streamPrefix(String name, @Nullable String version) {
        Matcher m = STREAM.matcher(name);
        if (m.matches() && version != null && version.startsWith(m.group(1) + ".")) {
            return m.group(1) + ".";
        }
        return null;
    }

    private static final String VERSION_MARK = "\u0000VERSION\u0000";

    /** The {@code key} input of the first {@code uses: pipeline} step, nested pipelines included, in recipe order. */
    static Optional<String> firstInput(List<PipelineStep> steps, String pipeline, String key) {
        for (PipelineStep s : steps) {
            if (pipeline.equals(s.uses()) && s.with().get(key) != null) {
                return Optional.of(s.with().get(key));
            }
            Optional<String> nested = firstInput(s.pipeline(), pipeline, key);
            if (nested.isPresent()) {
                return nested;
            }
        }
        return Optional.empty();
    }

    /** Enough substitution for a repository URL: package name and version, and plain vars. */
    static String substitute(String text, Recipe recipe) {
        Matcher m = SUBST.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            String value = switch (key) {
                case "package.name" -> recipe.pkg().name();
                case "package.version" -> recipe.pkg().version();
                default -> key.startsWith("vars.") ? plainVar(recipe.vars(), key.substring(5)) : null;
            };
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static @Nullable String plainVar(Map<String, String> vars, String name) {
        String v = vars.get(name);
        return v == null || v.contains("${{") ? null : v;
    }

    /** Every recipe's resolution, for reports over a whole catalog. */
    public static List<Resolution> ofAll(List<Recipe> recipes) {
        List<Resolution> out = new ArrayList<>();
        recipes.forEach(r -> out.add(of(r)));
        return out;
    }
}
