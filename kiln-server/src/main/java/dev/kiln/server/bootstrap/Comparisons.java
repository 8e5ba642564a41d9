package dev.kiln.server.bootstrap;

import dev.kiln.server.ReconcileEvent;
import java.util.List;
import java.util.Locale;

/** How a stage-2/stage-3 comparison is judged and reported. */
public final class Comparisons {
    private Comparisons() {}

    /** True when there is at least one package and every one is identical. */
    public static boolean allIdentical(List<PackageComparison> comparisons) {
        return !comparisons.isEmpty() && comparisons.stream().allMatch(PackageComparison::identical);
    }

    static ReconcileEvent event(PackageComparison c) {
        String verdict = c.verdict().name();
        String text = "  " + (c.identical() ? verdict.toLowerCase(Locale.ROOT) : verdict) + "  " + c.file()
                + (c.difference() == null ? "" : ": first difference " + c.difference());
        return ReconcileEvent.of(
                "comparison",
                text,
                "recipe",
                c.recipe(),
                "package",
                c.file(),
                "verdict",
                verdict.toLowerCase(Locale.ROOT),
                "stage2Sha256",
                c.sha256A(),
                "stage3Sha256",
                c.sha256B(),
                "difference",
                c.difference());
    }

    static ReconcileEvent summary(List<PackageComparison> comparisons) {
        long identical =
                comparisons.stream().filter(PackageComparison::identical).count();
        String text = "==> stage 2 = stage 3: " + identical + " of " + comparisons.size() + " packages identical";
        return ReconcileEvent.of("comparison-summary", text, "identical", identical, "packages", comparisons.size());
    }
}
