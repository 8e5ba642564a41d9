package dev.kiln.update;

import dev.kiln.apk.ApkIndex;
import dev.kiln.apk.IndexEntry;
import dev.kiln.recipe.CompileOptions;
import dev.kiln.recipe.Recipe;
import dev.kiln.recipe.RecipeCompiler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One pass of the update bot's reconcile loop over a catalog: check every recipe, apply every
 * update (bump, build, test, publish) in rebuild-graph order so a library lands before what needs
 * it, then rebuild the dependents of any soname the update removed. A failure is recorded against
 * its package and the pass goes on to the next one.
 */
public final class UpdateRun {
    private final UpdateChecker checker;
    private final UpdateApplier applier;
    private final Rebuilder rebuilder;
    private final Supplier<ApkIndex> published;
    private final RecipeCompiler compiler;
    private final CompileOptions compileOptions;

    /**
     * {@code published} reads the repository's current index (empty when nothing is published yet);
     * {@code compiler} and {@code compileOptions} compile the recipes for the rebuild graph, as the
     * builds will compile them.
     */
    public UpdateRun(
            UpdateChecker checker,
            UpdateApplier applier,
            Rebuilder rebuilder,
            Supplier<ApkIndex> published,
            RecipeCompiler compiler,
            CompileOptions compileOptions) {
        this.checker = checker;
        this.applier = applier;
        this.rebuilder = rebuilder;
        this.published = published;
        this.compiler = compiler;
        this.compileOptions = compileOptions;
    }

    public enum Outcome {
        UP_TO_DATE,
        PUBLISHED,
        FAILED,
        NOT_CHECKED
    }

    /**
     * What the pass did for one recipe. {@code apply} and {@code propagation} are null when not
     * reached; {@code error} explains FAILED (check failure, stopped or failed build, a failed
     * dependent rebuild) and NOT_CHECKED (unsupported monitor, no candidate).
     */
    public record PackageReport(
            String recipe,
            String packageName,
            Outcome outcome,
            CheckResult check,
            UpdateApplier.@Nullable ApplyResult apply,
            SonamePropagation.@Nullable Propagation propagation,
            @Nullable String error) {}

    public record Report(List<PackageReport> packages) {
        public Report {
            packages = List.copyOf(packages);
        }

        public long count(Outcome outcome) {
            return packages.stream().filter(p -> p.outcome() == outcome).count();
        }

        public boolean failed() {
            return count(Outcome.FAILED) > 0;
        }
    }

    /** Runs one pass over {@code recipes}, all of which live in {@code catalog}. */
    public Report pass(Path catalog, List<Recipe> recipes) {
        List<CheckResult> checks = checker.check(recipes);
        RebuildGraph graph = RebuildGraph.of(recipes, compiler, compileOptions);
        Map<String, CheckResult> actionable = new HashMap<>();
        List<PackageReport> reports = new ArrayList<>();
        for (CheckResult c : checks) {
            if (c.actionable()) {
                actionable.put(c.packageName(), c);
            } else {
                reports.add(idle(c));
            }
        }
        for (String origin : graph.order(actionable.keySet()).origins()) {
            // the order is of actionable's own keys
            reports.add(update(catalog, graph, Objects.requireNonNull(actionable.get(origin), origin)));
        }
        return new Report(reports);
    }

    private static PackageReport idle(CheckResult c) {
        Outcome o = switch (c.status()) {
            case UP_TO_DATE -> Outcome.UP_TO_DATE;
            case FAILED -> Outcome.FAILED;
            default -> Outcome.NOT_CHECKED;
        };
        return new PackageReport(c.recipe(), c.packageName(), o, c, null, null, c.message());
    }

    private PackageReport update(Path catalog, RebuildGraph graph, CheckResult c) {
        UpdateApplier.@Nullable ApplyResult a = null;
        try {
            ApkIndex before = published.get();
            // an actionable check (UPDATE, RETAG) always has its newest candidate
            VersionNormalizer.Candidate newest =
                    Objects.requireNonNull(c.newest(), "actionable check without a candidate");
            a = applier.apply(catalog.resolve(c.recipe()), newest.version());
            if (a.status() != UpdateApplier.Status.PUBLISHED) {
                return new PackageReport(c.recipe(), c.packageName(), Outcome.FAILED, c, a, null, a.message());
            }
            SonamePropagation.Propagation p = SonamePropagation.propagate(
                    before,
                    c.packageName(),
                    providedBy(before, c.packageName()),
                    providedBy(Objects.requireNonNull(a.rebuild(), "a published update has its rebuild")),
                    graph,
                    catalog,
                    rebuilder);
            List<String> failedDependents = new ArrayList<>();
            for (int i = 0; i < p.outcomes().size(); i++) {
                if (!p.outcomes().get(i).success()) {
                    failedDependents.add(
                            p.order().get(i) + ": " + p.outcomes().get(i).message());
                }
            }
            return failedDependents.isEmpty()
                    ? new PackageReport(c.recipe(), c.packageName(), Outcome.PUBLISHED, c, a, p, null)
                    : new PackageReport(
                            c.recipe(),
                            c.packageName(),
                            Outcome.FAILED,
                            c,
                            a,
                            p,
                            "published, but rebuilding dependents of " + p.removedSonames() + " failed: "
                                    + String.join("; ", failedDependents));
        } catch (RuntimeException e) {
            return new PackageReport(
                    c.recipe(),
                    c.packageName(),
                    Outcome.FAILED,
                    c,
                    a,
                    null,
                    e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private static List<String> providedBy(ApkIndex index, String origin) {
        List<String> out = new ArrayList<>();
        for (IndexEntry e : index.entries()) {
            if (origin.equals(e.origin() == null || e.origin().isEmpty() ? e.name() : e.origin())) {
                out.addAll(e.provides());
            }
        }
        return out;
    }

    private static List<String> providedBy(RebuildOutcome outcome) {
        return outcome.packages().stream().flatMap(b -> b.provides().stream()).toList();
    }
}
