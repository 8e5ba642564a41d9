package dev.kiln.server.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.recipe.BuildPlan;
import dev.kiln.recipe.CompileOptions;
import dev.kiln.recipe.PackagePlan;
import dev.kiln.recipe.Recipes;
import dev.kiln.recipe.ShellStep;
import dev.kiln.recipe.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The distribution's catalog ({@code catalog/recipes/}) builds on Kiln's own toolchain alone: every recipe compiles,
 * and every package its build and test environments and its packages' runtime dependencies name is made by the
 * bootstrap plan or by another catalog recipe, so no catalog build falls back to the host's {@code /usr} and
 * {@code kiln up --catalog catalog --bootstrap} needs nothing else. Kiln's own packages that the examples build too
 * (the test tools, the base layout, the CA bundle, the time zones) are links to the examples' recipes.
 */
class CatalogRecipesTest {
    static final Path CATALOG =
            Path.of("..", "catalog", "recipes").toAbsolutePath().normalize();
    /** Kiln runs fetch and git-checkout itself; it installs what they need only when a repository has it. */
    static final Set<String> NATIVE_STEP_NEEDS = Set.of("wget", "git");

    @Test
    void everyPackageACatalogRecipeNamesIsMadeByTheBootstrapOrTheCatalog() throws IOException {
        List<BuildPlan> catalog = compile(recipes(CATALOG));
        Set<String> made = madePackages();

        Set<String> missing = new TreeSet<>();
        for (BuildPlan p : catalog) {
            List<String> wanted = new ArrayList<>(p.environmentPackages());
            for (PackagePlan pkg : packages(p)) {
                wanted.addAll(pkg.dependencies().runtime());
                dev.kiln.recipe.TestPlan test = pkg.test();
                if (test != null) {
                    wanted.addAll(test.environmentPackages());
                }
            }
            wanted.stream()
                    .map(CatalogRecipesTest::withoutVersion)
                    .filter(w -> !made.contains(w) && !NATIVE_STEP_NEEDS.contains(w) && !w.equals(p.name()))
                    .forEach(w -> missing.add(p.name() + " needs " + w));
        }
        assertThat(catalog).as("catalog recipes").hasSizeGreaterThanOrEqualTo(10);
        assertThat(missing)
                .as("packages neither the bootstrap nor the catalog makes")
                .isEmpty();
    }

    /**
     * Every catalog recipe ends its main pipeline with the {@code strip} pipeline, as Wolfi's do, so that the
     * subpackages split after it get stripped files: unstripped libraries kept the python image over its size goal.
     * The examples' recipes the catalog links install data and shell scripts only.
     */
    @Test
    void everyCatalogRecipeStripsWhatItInstalls() throws IOException {
        List<String> unstripped = new ArrayList<>();
        List<Path> own =
                recipes(CATALOG).stream().filter(r -> !Files.isSymbolicLink(r)).toList();
        for (BuildPlan p : compile(own)) {
            List<Step> steps = p.steps();
            Step last = steps.get(steps.size() - 1);
            if (!(last instanceof ShellStep sh && sh.label().endsWith("uses strip"))) {
                unstripped.add(p.name() + " ends with " + last.label());
            }
        }
        assertThat(unstripped)
                .as("catalog recipes whose main pipeline does not end with `uses: strip`")
                .isEmpty();
    }

    /**
     * Steps run under {@code set -eo pipefail}, as melange's do: a command piped into {@code head} dies of SIGPIPE
     * (status 141) whenever it still has output when head exits, which fails the step on a busy machine only —
     * busybox's own test did so in stage 2. {@code sed -n 1p} reads all of its input.
     */
    @Test
    void noStepOfTheBootstrapOrTheCatalogPipesIntoHead() throws IOException {
        List<String> found = new ArrayList<>();
        Stream.of(compile(recipes(CATALOG)), bootstrapPlans())
                .flatMap(List::stream)
                .forEach(p -> {
                    List<Step> steps = new ArrayList<>(p.steps());
                    for (PackagePlan pkg : packages(p)) {
                        steps.addAll(pkg.steps());
                        if (pkg.test() != null) {
                            steps.addAll(pkg.test().steps());
                        }
                    }
                    for (Step step : steps) {
                        if (step instanceof ShellStep sh && sh.script().matches("(?s).*\\|\\s*head\\b.*")) {
                            found.add(p.name() + ": " + sh.label());
                        }
                    }
                });
        assertThat(found).as("steps that pipe into head").isEmpty();
    }

    /**
     * The names (and provided names) of every package the catalog and the bootstrap plan make: what a catalog build
     * environment or image may name.
     */
    static Set<String> madePackages() throws IOException {
        Set<String> made = new TreeSet<>();
        Stream.of(compile(recipes(CATALOG)), bootstrapPlans())
                .flatMap(List::stream)
                .forEach(p -> {
                    packages(p).forEach(pkg -> made.add(pkg.name()));
                    packages(p).forEach(pkg -> pkg.dependencies().provides().forEach(v -> made.add(withoutVersion(v))));
                });
        return made;
    }

    /** The toolchain bootstrap's recipes, compiled for x86_64. */
    static List<BuildPlan> bootstrapPlans() {
        return compile(BootstrapPlan.load(BootstrapRecipesTest.BOOTSTRAP.resolve("plan.yaml"))
                .recipes());
    }

    /** {@code name=1.0-r0} or {@code name>=1.0} to {@code name}. */
    static String withoutVersion(String atom) {
        return atom.split("[=~<>]")[0];
    }

    static List<Path> recipes(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    static List<BuildPlan> compile(List<Path> recipes) {
        return recipes.stream()
                .map(r -> Recipes.compile(r, List.of(), CompileOptions.forArch("x86_64")))
                .toList();
    }

    /** A recipe's main package and its subpackages. */
    static List<PackagePlan> packages(BuildPlan p) {
        List<PackagePlan> all = new ArrayList<>(List.of(p.mainPackage()));
        all.addAll(p.subpackages());
        return all;
    }
}
