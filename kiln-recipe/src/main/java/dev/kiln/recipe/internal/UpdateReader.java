package dev.kiln.recipe.internal;

import dev.kiln.content.yaml.YamlNode;
import dev.kiln.content.yaml.YamlReader;
import dev.kiln.recipe.UpdateSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Reads the {@code update} block (recipes.md section 9). */
final class UpdateReader {
    private static final Set<String> KEYS = Set.of(
            "enabled",
            "manual",
            "require-sequential",
            "shared",
            "version-separator",
            "ignore-regex-patterns",
            "version-transform",
            "exclude-reason",
            "schedule",
            "enable-prerelease-tags",
            "release-monitor",
            "github",
            "git",
            "oci",
            "version_data");

    private final YamlReader r;

    UpdateReader(YamlReader r) {
        this.r = r;
    }

    @Nullable
    UpdateSpec update(@Nullable YamlNode node) {
        if (YamlNode.isNull(node)) {
            return null;
        }
        String p = "update";
        Map<String, YamlNode> m = r.mapping(node, p, KEYS);
        // melange treats a missing 'enabled' as false; 24 Wolfi recipes rely on that.
        List<UpdateSpec.VersionTransform> transforms = new ArrayList<>();
        List<YamlNode> vt = r.sequence(m.get("version-transform"), p + ".version-transform");
        for (int i = 0; i < vt.size(); i++) {
            String q = p + ".version-transform[" + i + "]";
            Map<String, YamlNode> t = r.mapping(vt.get(i), q, Set.of("match", "replace"));
            transforms.add(new UpdateSpec.VersionTransform(
                    r.string(t.get("match"), q + ".match", ""), r.string(t.get("replace"), q + ".replace", "")));
        }
        UpdateSpec.@Nullable Schedule schedule = null;
        if (m.containsKey("schedule")) {
            Map<String, YamlNode> s = r.mapping(m.get("schedule"), p + ".schedule", Set.of("period", "reason"));
            String period = r.string(s.get("period"), p + ".schedule.period");
            schedule = new UpdateSpec.Schedule(period, r.string(s.get("reason"), p + ".schedule.reason"));
        }
        UpdateSpec.@Nullable ReleaseMonitor rm = null;
        if (m.containsKey("release-monitor")) {
            String q = p + ".release-monitor";
            Map<String, YamlNode> x = r.mapping(
                    m.get("release-monitor"),
                    q,
                    Set.of(
                            "identifier",
                            "strip-prefix",
                            "strip-suffix",
                            "version-filter-prefix",
                            "version-filter-contains"));
            Long id = r.unsigned(x.get("identifier"), q + ".identifier");
            if (id == null) {
                r.error(
                        m.get("release-monitor"),
                        q + ": 'identifier' (a release-monitoring.org project id) is required");
            }
            rm = new UpdateSpec.ReleaseMonitor(
                    id == null ? 0 : id,
                    r.string(x.get("strip-prefix"), q + ".strip-prefix"),
                    r.string(x.get("strip-suffix"), q + ".strip-suffix"),
                    r.string(x.get("version-filter-prefix"), q + ".version-filter-prefix"),
                    r.string(x.get("version-filter-contains"), q + ".version-filter-contains"));
        }
        UpdateSpec.@Nullable GitHubMonitor gh = null;
        if (m.containsKey("github")) {
            String q = p + ".github";
            Map<String, YamlNode> x = r.mapping(
                    m.get("github"),
                    q,
                    Set.of(
                            "identifier",
                            "strip-prefix",
                            "strip-suffix",
                            "tag-filter",
                            "tag-filter-prefix",
                            "tag-filter-contains",
                            "use-tag"));
            String id = r.string(x.get("identifier"), q + ".identifier");
            if (id == null) {
                r.error(m.get("github"), q + ": 'identifier' (org/repo) is required");
            }
            // a missing identifier is reported above, so this recipe is never returned: "" stands in
            gh = new UpdateSpec.GitHubMonitor(
                    id == null ? "" : id,
                    r.string(x.get("strip-prefix"), q + ".strip-prefix"),
                    r.string(x.get("strip-suffix"), q + ".strip-suffix"),
                    r.string(x.get("tag-filter"), q + ".tag-filter"),
                    r.string(x.get("tag-filter-prefix"), q + ".tag-filter-prefix"),
                    r.string(x.get("tag-filter-contains"), q + ".tag-filter-contains"),
                    r.bool(x.get("use-tag"), q + ".use-tag", false));
        }
        UpdateSpec.@Nullable GitMonitor git = null;
        if (m.containsKey("git")) {
            String q = p + ".git";
            Map<String, YamlNode> x = r.mapping(
                    m.get("git"),
                    q,
                    Set.of("strip-prefix", "strip-suffix", "tag-filter-prefix", "tag-filter-contains"));
            git = new UpdateSpec.GitMonitor(
                    r.string(x.get("strip-prefix"), q + ".strip-prefix"),
                    r.string(x.get("strip-suffix"), q + ".strip-suffix"),
                    r.string(x.get("tag-filter-prefix"), q + ".tag-filter-prefix"),
                    r.string(x.get("tag-filter-contains"), q + ".tag-filter-contains"));
        }
        UpdateSpec.@Nullable OciMonitor oci = null;
        if (m.containsKey("oci")) {
            String q = p + ".oci";
            Map<String, YamlNode> x = r.mapping(
                    m.get("oci"),
                    q,
                    Set.of("identifier", "strip-prefix", "strip-suffix", "tag-filter-prefix", "tag-filter-contains"));
            oci = new UpdateSpec.OciMonitor(
                    r.string(x.get("identifier"), q + ".identifier"),
                    r.string(x.get("strip-prefix"), q + ".strip-prefix"),
                    r.string(x.get("strip-suffix"), q + ".strip-suffix"),
                    r.string(x.get("tag-filter-prefix"), q + ".tag-filter-prefix"),
                    r.string(x.get("tag-filter-contains"), q + ".tag-filter-contains"));
        }
        // version_data is vendor-specific: accepted and ignored (recipes.md section 9).
        return new UpdateSpec(
                r.bool(m.get("enabled"), p + ".enabled", false),
                r.bool(m.get("manual"), p + ".manual", false),
                r.bool(m.get("require-sequential"), p + ".require-sequential", false),
                r.bool(m.get("shared"), p + ".shared", false),
                r.string(m.get("version-separator"), p + ".version-separator"),
                r.strings(m.get("ignore-regex-patterns"), p + ".ignore-regex-patterns"),
                transforms,
                r.string(m.get("exclude-reason"), p + ".exclude-reason"),
                schedule,
                r.bool(m.get("enable-prerelease-tags"), p + ".enable-prerelease-tags", false),
                rm,
                gh,
                git,
                oci);
    }
}
