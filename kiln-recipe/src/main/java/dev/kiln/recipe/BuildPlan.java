package dev.kiln.recipe;

import dev.kiln.recipe.internal.PlanYaml;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A compiled recipe for one architecture: everything substituted, inlined and validated.
 * {@code environmentRepositories} are the environment's {@code contents.build_repositories} then
 * {@code contents.repositories}, {@code environmentKeyring} its {@code contents.keyring}, as written.
 * {@code resources} is the recipe's {@code package.resources} (every field null when unset): hints for a runner
 * that schedules builds (Kubernetes), not inputs of the package bytes.
 */
public record BuildPlan(
        String recipeFile,
        String name,
        String version,
        long epoch,
        String description,
        @Nullable String url,
        @Nullable String commit,
        String license,
        List<CopyrightEntry> copyright,
        List<String> targetArchitectures,
        String arch,
        boolean skippedForArch,
        List<String> environmentPackages,
        List<String> environmentRepositories,
        List<String> environmentKeyring,
        Map<String, String> environmentVariables,
        Capabilities capabilities,
        PackagePlan mainPackage,
        List<PackagePlan> subpackages,
        List<Step> steps,
        @Nullable Duration timeout,
        Resources resources) {
    public BuildPlan {
        java.util.Objects.requireNonNull(resources, "resources");
        copyright = List.copyOf(copyright);
        targetArchitectures = List.copyOf(targetArchitectures);
        environmentPackages = List.copyOf(environmentPackages);
        environmentRepositories = List.copyOf(environmentRepositories);
        environmentKeyring = List.copyOf(environmentKeyring);
        environmentVariables = Map.copyOf(environmentVariables);
        subpackages = List.copyOf(subpackages);
        steps = List.copyOf(steps);
    }

    public String fullVersion() {
        return version + "-r" + epoch;
    }

    /** Every fetch and git checkout of the main and subpackage pipelines, in build order. */
    public List<Source> sources() {
        List<Source> out = new ArrayList<>();
        addSources(steps, out);
        for (PackagePlan p : subpackages) {
            addSources(p.steps(), out);
        }
        return out;
    }

    private static void addSources(List<Step> steps, List<Source> out) {
        for (Step s : steps) {
            if (s instanceof Source src) {
                out.add(src);
            }
        }
    }

    /** The compiled recipe as deterministic YAML (what a package embeds as {@code .melange.yaml}). */
    public String toYaml() {
        return PlanYaml.render(this);
    }
}
