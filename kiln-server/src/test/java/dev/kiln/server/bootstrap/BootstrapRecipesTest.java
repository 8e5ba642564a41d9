package dev.kiln.server.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.recipe.BuildPlan;
import dev.kiln.recipe.CompileOptions;
import dev.kiln.recipe.Recipes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kiln's own toolchain recipes ({@code bootstrap/}): the plan loads, every recipe compiles for both architectures,
 * every package an environment names is made by the plan (so stage 2 can resolve from stage-1 packages alone), and
 * the gcc recipe installs well-formed hardening spec files where gcc and its wrappers look for them.
 */
class BootstrapRecipesTest {
    static final Path BOOTSTRAP = Path.of("..", "bootstrap").toAbsolutePath().normalize();
    static final Map<String, String> TRIPLETS =
            Map.of("x86_64", "x86_64-pc-linux-gnu", "aarch64", "aarch64-unknown-linux-gnu");

    static final Set<String> NATIVE_STEP_NEEDS = Set.of("wget", "git");

    private static List<BuildPlan> compileAll(String arch) {
        BootstrapPlan plan = BootstrapPlan.load(BOOTSTRAP.resolve("plan.yaml"));
        List<BuildPlan> compiled = new ArrayList<>();
        for (Path recipe : plan.recipes()) {
            compiled.add(Recipes.compile(recipe, List.of(), CompileOptions.forArch(arch)));
        }
        return compiled;
    }

    @ParameterizedTest
    @ValueSource(strings = {"x86_64", "aarch64"})
    void everyPackageAnEnvironmentOrADependencyNamesIsMadeByThePlan(String arch) {
        List<BuildPlan> plans = compileAll(arch);
        Set<String> made = new TreeSet<>();
        plans.forEach(p -> CatalogRecipesTest.packages(p).forEach(pkg -> made.add(pkg.name())));
        Map<String, String> missing = new LinkedHashMap<>();
        for (BuildPlan p : plans) {
            List<String> wanted = new ArrayList<>(p.environmentPackages());
            CatalogRecipesTest.packages(p)
                    .forEach(pkg -> wanted.addAll(pkg.dependencies().runtime()));
            for (String name : wanted) {
                // the fetch and git-checkout pipelines' needs: Kiln does those steps itself and installs these
                // only when a repository has them
                if (!made.contains(name) && !NATIVE_STEP_NEEDS.contains(name)) {
                    missing.put(p.name() + " needs " + name, name);
                }
            }
        }
        assertThat(missing.keySet()).as("packages no recipe of the plan makes").isEmpty();
        assertThat(made).contains("build-base", "gcc", "glibc", "glibc-dev", "binutils", "libgcc", "libstdc++");
    }

    @ParameterizedTest
    @ValueSource(strings = {"x86_64", "aarch64"})
    void gccInstallsTheArchitecturesHardeningSpecInItsLibraryDirectoryAndTheWrappers(String arch) {
        BuildPlan gcc = compileAll(arch).stream()
                .filter(p -> p.name().equals("gcc"))
                .findFirst()
                .orElseThrow();
        String major = gcc.version().substring(0, gcc.version().indexOf('.'));
        String yaml = gcc.toYaml();

        assertThat(yaml)
                .contains("libdir=/home/build/melange-out/gcc/usr/lib/gcc/" + TRIPLETS.get(arch) + "/" + major)
                .contains("install -Dm644 kiln-hardening-" + arch + ".spec \"$libdir\"/"
                        + dev.kiln.build.GuestEnvironment.HARDENING_SPEC)
                .contains("install -Dm755 gcc-wrapper /home/build/melange-out/gcc/usr/local/bin/gcc-wrapper")
                .contains("--enable-default-pie")
                .contains("--enable-default-ssp");
        assertThat(BOOTSTRAP.resolve("gcc/kiln-hardening-" + arch + ".spec")).isRegularFile();
        assertThat(Files.isExecutable(BOOTSTRAP.resolve("gcc/gcc-wrapper"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"x86_64", "aarch64"})
    void theSpecFilesAreWellFormedAndTurnOnEveryHardeningFlag(String arch) throws IOException {
        Map<String, String> specs = specs(BOOTSTRAP.resolve("gcc/kiln-hardening-" + arch + ".spec"));

        assertThat(specs).containsOnlyKeys("self_spec", "link");
        String compile = specs.get("self_spec");
        assertThat(compile)
                .startsWith("+ ")
                .contains("-D_FORTIFY_SOURCE=3")
                .contains("-fstack-protector-strong")
                .contains("-fstack-clash-protection")
                .contains("-fPIE -pie")
                .contains(arch.equals("x86_64") ? "-fcf-protection=full" : "-mbranch-protection=standard")
                .doesNotContain("-Werror");
        assertThat(specs.get("link")).startsWith("+ ").contains("-z relro -z now -z noexecstack");
    }

    @Test
    void theWrapperHonoursGccSpecFileAndEtcGccSpecFileAsWolfisDoes() throws IOException {
        String wrapper = Files.readString(BOOTSTRAP.resolve("gcc/gcc-wrapper"));

        assertThat(wrapper)
                .startsWith("#!/bin/sh\n")
                .contains("spec=${GCC_SPEC_FILE:-}")
                .contains("/etc/gcc_spec_file")
                .contains("exec \"/usr/bin/$name\" \"-specs=${spec:-" + dev.kiln.build.GuestEnvironment.HARDENING_SPEC
                        + "}\" \"$@\"");
    }

    /**
     * The named specs of a spec file: {@code *name:} then one body line, blocks separated by blank lines, {@code #}
     * comments; every <code>%{</code> of a body closed. Anything else fails with the file and line.
     */
    static Map<String, String> specs(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        Map<String, String> specs = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            assertThat(line)
                    .as(file + ":" + (i + 1) + ": a spec starts with *NAME:")
                    .matches("\\*[a-z_]+:");
            assertThat(i + 1).as(file + ":" + (i + 1) + ": spec without a body").isLessThan(lines.size());
            String body = lines.get(++i);
            int depth = 0;
            for (int c = 0; c < body.length(); c++) {
                if (body.startsWith("%{", c)) {
                    depth++;
                    c++;
                } else if (body.charAt(c) == '}') {
                    depth--;
                    assertThat(depth)
                            .as(file + ":" + (i + 1) + ": '}' at column " + (c + 1) + " closes nothing")
                            .isNotNegative();
                }
            }
            assertThat(depth).as(file + ":" + (i + 1) + ": unclosed %{").isZero();
            assertThat(i + 1 == lines.size() || lines.get(i + 1).isBlank())
                    .as(file + ":" + (i + 2) + ": a spec body is one line followed by a blank line")
                    .isTrue();
            specs.put(line.substring(1, line.length() - 1), body);
        }
        return specs;
    }
}
