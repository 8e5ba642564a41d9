package dev.kiln.update;

import dev.kiln.apk.ApkVersion;
import dev.kiln.content.Parallel;
import dev.kiln.recipe.PipelineStep;
import dev.kiln.recipe.Recipe;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Asks each recipe's monitor for the newest upstream version. Recipes are grouped by monitor so
 * that monitors can batch; a failure is recorded against its package and the run goes on.
 */
public final class UpdateChecker {
    private final Map<MonitorConfig.Kind, UpstreamMonitor> monitors = new EnumMap<>(MonitorConfig.Kind.class);

    public UpdateChecker(List<UpstreamMonitor> monitors) {
        monitors.forEach(m -> this.monitors.put(m.kind(), m));
    }

    /** One result per recipe, in the order given. */
    public List<CheckResult> check(List<Recipe> recipes) {
        Map<Integer, CheckResult> results = new LinkedHashMap<>();
        Map<MonitorConfig.Kind, List<Integer>> byKind = new EnumMap<>(MonitorConfig.Kind.class);
        List<MonitorConfig> configs = new ArrayList<>();
        for (int i = 0; i < recipes.size(); i++) {
            Recipe r = recipes.get(i);
            MonitorConfigs.Resolution res = MonitorConfigs.of(r);
            MonitorConfig config = res.config();
            // an unsupported recipe's slot holds null; only the indexes in byKind are read back
            configs.add(config);
            if (config == null) {
                results.put(i, result(r, null, CheckResult.Status.UNSUPPORTED, null, List.of(), res.unsupported()));
            } else if (!monitors.containsKey(config.kind())) {
                results.put(
                        i,
                        result(
                                r,
                                config.describe(),
                                CheckResult.Status.UNSUPPORTED,
                                null,
                                List.of(),
                                "no " + config.kind() + " monitor configured"));
            } else {
                byKind.computeIfAbsent(config.kind(), k -> new ArrayList<>()).add(i);
            }
        }
        // each monitor talks to a different host: they run side by side
        List<Map.Entry<MonitorConfig.Kind, List<Integer>>> kinds = new ArrayList<>(byKind.entrySet());
        List<List<UpstreamMonitor.Listing>> all = Parallel.map(
                kinds,
                kinds.size(),
                // byKind holds only kinds that have a monitor
                k -> Objects.requireNonNull(monitors.get(k.getKey()), "monitor")
                        .list(k.getValue().stream().map(configs::get).toList()));
        for (int m = 0; m < kinds.size(); m++) {
            List<Integer> indexes = kinds.get(m).getValue();
            for (int j = 0; j < indexes.size(); j++) {
                int i = indexes.get(j);
                results.put(i, evaluate(recipes.get(i), all.get(m).get(j)));
            }
        }
        List<CheckResult> out = new ArrayList<>();
        for (int i = 0; i < recipes.size(); i++) {
            out.add(results.get(i));
        }
        return out;
    }

    static CheckResult evaluate(Recipe recipe, UpstreamMonitor.Listing listing) {
        MonitorConfig c = listing.config();
        if (listing.error() != null) {
            return result(recipe, c.describe(), CheckResult.Status.FAILED, null, List.of(), listing.error());
        }
        VersionNormalizer.Outcome o;
        try {
            o = VersionNormalizer.normalize(c, listing.tags());
        } catch (UpdateException e) {
            return result(recipe, c.describe(), CheckResult.Status.FAILED, null, List.of(), e.getMessage());
        }
        var newest = VersionNormalizer.newest(o.candidates());
        if (newest.isEmpty()) {
            return result(
                    recipe,
                    c.describe(),
                    CheckResult.Status.NO_CANDIDATE,
                    null,
                    o.skipped(),
                    "no upstream tag survived normalisation (" + listing.tags().size() + " seen)");
        }
        String current = recipe.pkg().version();
        VersionNormalizer.Candidate n = newest.get();
        int cmp = ApkVersion.isValid(current) ? ApkVersion.compare(n.version(), current) : 1;
        if (cmp > 0) {
            return result(recipe, c.describe(), CheckResult.Status.UPDATE, n, o.skipped(), null);
        }
        if (cmp == 0 && n.commit() != null) {
            String pinned = firstExpectedCommit(recipe.pipeline());
            if (pinned != null && !pinned.isEmpty() && !pinned.equals(n.commit())) {
                return result(
                        recipe,
                        c.describe(),
                        CheckResult.Status.RETAG,
                        n,
                        o.skipped(),
                        "tag " + n.raw() + " moved from " + pinned + " to " + n.commit());
            }
        }
        return result(recipe, c.describe(), CheckResult.Status.UP_TO_DATE, n, o.skipped(), null);
    }

    private static @Nullable String firstExpectedCommit(List<PipelineStep> steps) {
        for (PipelineStep s : steps) {
            if ("git-checkout".equals(s.uses())) {
                return s.with().get("expected-commit");
            }
            String nested = firstExpectedCommit(s.pipeline());
            if (nested != null) {
                return nested;
            }
        }
        return null;
    }

    private static CheckResult result(
            Recipe r,
            @Nullable String monitor,
            CheckResult.Status status,
            VersionNormalizer.@Nullable Candidate newest,
            List<VersionNormalizer.Skipped> skipped,
            @Nullable String message) {
        return new CheckResult(r.file(), r.pkg().name(), r.pkg().version(), monitor, status, newest, skipped, message);
    }
}
