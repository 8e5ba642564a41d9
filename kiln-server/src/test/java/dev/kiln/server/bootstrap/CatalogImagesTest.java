package dev.kiln.server.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.image.ImageSpec;
import dev.kiln.image.ImageSpecLoader;
import dev.kiln.recipe.BuildPlan;
import dev.kiln.recipe.PackagePlan;
import dev.kiln.recipe.ShellStep;
import dev.kiln.recipe.Step;
import dev.kiln.recipe.TestPlan;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The distribution's images ({@code catalog/images/}) install only what Kiln makes, run as nonroot, and take the C
 * library and its loader from their programs' dependencies (issue 12, item 6: hello and busybox link dynamically
 * against Kiln's glibc, and their images carry glibc and the loader). Built from real packages and started, they
 * are checked by {@code bench/flagship.sh}: CI cannot build the toolchain they need.
 */
class CatalogImagesTest {
    static final Path IMAGES =
            Path.of("..", "catalog", "images").toAbsolutePath().normalize();
    /** The C library's packages: images get them through their programs' {@code so:} dependencies. */
    static final Set<String> LIBC = Set.of("glibc", "ld-linux");

    @Test
    void everyCatalogImageRunsAsNonrootAndInstallsOnlyWhatKilnMakes() throws IOException {
        Set<String> made = CatalogRecipesTest.madePackages();
        List<String> problems = new ArrayList<>();
        List<Path> configs = CatalogRecipesTest.recipes(IMAGES);
        for (Path config : configs) {
            ImageSpec spec = ImageSpecLoader.load(config);
            String name = config.getFileName().toString();
            if (!"65532".equals(spec.accounts().runAs())) {
                problems.add(name + " runs as " + spec.accounts().runAs() + ", not 65532");
            }
            if (spec.accounts().users().stream().noneMatch(u -> u.uid() == 65532)) {
                problems.add(name + " has no user 65532");
            }
            for (String atom : spec.contents().packages()) {
                String pkg = CatalogRecipesTest.withoutVersion(atom);
                if (!made.contains(pkg)) {
                    problems.add(name + " installs " + pkg + ", which neither the bootstrap nor the catalog makes");
                }
                if (LIBC.contains(pkg)) {
                    // naming them would hide a program whose package lost its dependency on the C library
                    problems.add(name + " names " + pkg + ": the C library must come from the programs' dependencies");
                }
            }
        }
        assertThat(configs).as("catalog images").hasSizeGreaterThanOrEqualTo(10);
        assertThat(problems).isEmpty();
    }

    @Test
    void helloAndBusyboxImagesRunProgramsLinkedAgainstKilnsGlibc() throws IOException {
        ImageSpec hello = ImageSpecLoader.load(IMAGES.resolve("hello.yaml"));
        assertThat(hello.contents().packages()).contains("hello");
        assertThat(hello.entrypoint().command()).isEqualTo("/usr/bin/hello");
        ImageSpec busybox = ImageSpecLoader.load(IMAGES.resolve("busybox.yaml"));
        assertThat(busybox.contents().packages()).contains("busybox");
        assertThat(busybox.entrypoint().command()).isEqualTo("/bin/sh");

        // hello is the catalog's, linked dynamically, and its test proves it against the built binary
        BuildPlan helloPlan =
                plan(CatalogRecipesTest.compile(List.of(CatalogRecipesTest.CATALOG.resolve("hello.yaml"))), "hello");
        assertThat(scripts(helloPlan.steps())).doesNotContain("-static");
        TestPlan helloTest = helloPlan.mainPackage().test();
        assertThat(helloTest).isNotNull();
        assertThat(scripts(helloTest.steps()))
                .contains("[libc.so.6]")
                .contains("[Requesting program interpreter: /lib64/ld-linux-x86-64.so.2]");

        List<BuildPlan> bootstrap = CatalogRecipesTest.bootstrapPlans();
        // the busybox image installs the bootstrap's busybox, the one linked against the bootstrap's glibc (the
        // examples' busybox is the static one)
        assertThat(scripts(plan(bootstrap, "busybox").steps())).doesNotContain("-static");
        // A library's package asks for so:libc.so.6 alone (only programs name their interpreter): glibc itself
        // must bring the loader, or an image of a library-only program would lack /lib64/ld-linux-x86-64.so.2.
        BuildPlan glibc = plan(bootstrap, "glibc");
        assertThat(glibc.mainPackage().dependencies().runtime()).contains("ld-linux");
        assertThat(glibc.subpackages().stream().map(PackagePlan::name)).contains("ld-linux");
    }

    private static BuildPlan plan(List<BuildPlan> plans, String name) {
        return plans.stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no recipe makes " + name));
    }

    /** The shell text of the steps, for what a recipe does (or must not do) to its build. */
    private static String scripts(List<Step> steps) {
        return String.join(
                "\n",
                steps.stream()
                        .flatMap(s -> s instanceof ShellStep sh ? Stream.of(sh.script()) : Stream.empty())
                        .toList());
    }
}
