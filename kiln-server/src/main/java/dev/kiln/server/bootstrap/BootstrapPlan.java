package dev.kiln.server.bootstrap;

import dev.kiln.server.bootstrap.internal.PlanReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The recipes of a toolchain bootstrap, in dependency order, as a YAML file lists them:
 *
 * <pre>
 * name: toolchain
 * stage1: host-toolchain     # stage 1 builds over the host's /usr, the only place Kiln uses it
 * recipes:                   # relative to this file; every stage builds all of them, in this order
 *   - linux-headers.yaml
 *   - m4.yaml
 * test-package-append:       # optional: added to every test environment of stages 2 and 3, as melange's flag
 *   - busybox
 * </pre>
 *
 * Stage 1 builds them with the host's toolchain, stage 2 again in environments made only of stage-1
 * packages, stage 3 in stage-2 packages; stage 2 and stage 3 must then be identical byte for byte.
 *
 * @param file    the plan file
 * @param name    the plan's name, for messages
 * @param recipes      the recipe files, absolute, in build order
 * @param testPackages packages added to every hermetic test environment (stage 1 tests run over the host's
 *                     /usr, which has a shell already); not an input of the packages, which tests do not change
 */
public record BootstrapPlan(Path file, String name, List<Path> recipes, List<String> testPackages) {
    /** The value of {@code stage1}: says in the plan itself that stage 1 uses the host's /usr. */
    public static final String HOST_TOOLCHAIN = "host-toolchain";

    public BootstrapPlan {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(name, "name");
        recipes = List.copyOf(recipes);
        testPackages = List.copyOf(testPackages);
    }

    /** Reads and checks {@code file}; every problem is reported at once, as {@code file:line:col: ...}. */
    public static BootstrapPlan load(Path file) {
        PlanReader.Plan plan = PlanReader.read(file);
        if (!plan.problems().isEmpty()) {
            throw new BootstrapException(String.join("\n", plan.problems()));
        }
        return new BootstrapPlan(file.toAbsolutePath(), plan.name(), plan.recipes(), plan.testPackages());
    }

    /**
     * This plan with only the recipes named (by {@link #recipeName}), in the plan's order; a name the plan does not
     * have is an error that lists the names it has.
     */
    public BootstrapPlan only(java.util.Collection<String> names) {
        java.util.Set<String> known = new java.util.LinkedHashSet<>();
        recipes.forEach(r -> known.add(recipeName(r)));
        List<String> unknown =
                names.stream().filter(n -> !known.contains(n)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new BootstrapException("bootstrap plan " + file + " has no recipe " + String.join(", ", unknown)
                    + "; it has " + String.join(", ", known));
        }
        return new BootstrapPlan(
                file,
                name,
                recipes.stream().filter(r -> names.contains(recipeName(r))).toList(),
                testPackages);
    }

    /** A recipe's short name in reports and cache entries: its file name without {@code .yaml}. */
    public static String recipeName(Path recipe) {
        return recipe.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    }
}
