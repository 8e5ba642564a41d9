package dev.kiln.recipe.internal;

import dev.kiln.content.Problem;
import dev.kiln.recipe.BuildEnvironment;
import dev.kiln.recipe.BuildOption;
import dev.kiln.recipe.BuildPlan;
import dev.kiln.recipe.BuildTimeout;
import dev.kiln.recipe.CompileOptions;
import dev.kiln.recipe.Condition;
import dev.kiln.recipe.CopyrightEntry;
import dev.kiln.recipe.DependenciesSpec;
import dev.kiln.recipe.PackageDependencies;
import dev.kiln.recipe.PackagePlan;
import dev.kiln.recipe.PackageSpec;
import dev.kiln.recipe.PipelineLibrary;
import dev.kiln.recipe.Recipe;
import dev.kiln.recipe.RecipeException;
import dev.kiln.recipe.Resources;
import dev.kiln.recipe.Step;
import dev.kiln.recipe.SubpackageSpec;
import dev.kiln.recipe.TestPlan;
import dev.kiln.recipe.TestSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** Compiles one recipe for one architecture (recipes.md sections 4, 6 and 7). */
public final class PlanCompiler {
    private static final String OUT = StepCompiler.HOME + "/melange-out";
    private static final Map<String, String> DEFAULT_ENV = defaults();

    private final Recipe recipe;
    private final CompileOptions options;
    private final List<Problem> problems = new ArrayList<>();
    private final StepCompiler steps;

    public PlanCompiler(PipelineLibrary library, Recipe recipe, CompileOptions options) {
        this.recipe = recipe;
        this.options = options;
        this.steps = new StepCompiler(library, recipe.sourceMap(), problems);
    }

    /** One subpackage after range expansion. */
    private record Instance(SubpackageSpec spec, String name, Map<String, String> vars) {}

    public BuildPlan compile() {
        PackageSpec pkg = recipe.pkg();
        Arch arch = Arch.of(options.arch());
        if (arch == null) {
            throw RecipeException.of(
                    recipe.file(),
                    0,
                    0,
                    "unknown architecture '" + options.arch() + "' (expected one of " + Arch.names() + ")");
        }
        for (String o : options.enabledOptions()) {
            if (!recipe.options().containsKey(o)) {
                problem("options", "options: build option '" + o + "' is not declared by the recipe");
            }
        }
        Map<String, String> base = baseVars(pkg, arch);
        Map<String, String> plain = new LinkedHashMap<>(recipe.vars());
        List<String> addPackages = new ArrayList<>();
        Set<String> removePackages = new TreeSet<>();
        for (Map.Entry<String, BuildOption> o : new TreeMap<>(recipe.options()).entrySet()) {
            if (options.enabledOptions().contains(o.getKey())) {
                plain.putAll(o.getValue().vars());
                addPackages.addAll(o.getValue().addPackages());
                removePackages.addAll(o.getValue().removePackages());
            }
        }
        options.extraVars().forEach((k, v) -> plain.put(k.startsWith("vars.") ? k.substring(5) : k, v));
        base.putAll(new VarResolver(base, plain, recipe.varTransforms(), recipe.sourceMap(), problems).resolveAll());

        List<Instance> instances = expand(base);
        for (Instance i : instances) {
            base.put("targets.package." + i.name(), OUT + "/" + i.name());
        }

        Map<String, String> mainVars = new HashMap<>(base);
        mainVars.put("context.name", pkg.name());
        mainVars.put("targets.contextdir", OUT + "/" + pkg.name());
        Set<String> needs = new TreeSet<>();
        List<Step> mainSteps = steps.compile(recipe.pipeline(), mainVars, needs);
        PackagePlan main = new PackagePlan(
                pkg.name(),
                nz(pkg.description()),
                pkg.url(),
                pkg.commit(),
                dependencies(pkg.dependencies(), mainVars, "package.dependencies"),
                pkg.options(),
                pkg.scriptlets().byControlName(),
                pkg.scriptlets().triggerPaths(),
                new TreeSet<>(pkg.checksDisabled()),
                pkg.setcap(),
                List.of(),
                test(recipe.test(), mainVars),
                pkg.cpe());

        List<PackagePlan> subs = new ArrayList<>();
        for (Instance i : instances) {
            Map<String, String> v = new HashMap<>(i.vars());
            v.put("subpkg.name", i.name());
            v.put("context.name", i.name());
            v.put("targets.subpkgdir", OUT + "/" + i.name());
            v.put("targets.contextdir", OUT + "/" + i.name());
            SubpackageSpec s = i.spec();
            List<Step> subSteps = steps.compile(s.pipeline(), v, needs);
            subs.add(new PackagePlan(
                    i.name(),
                    nz(steps.subst(nz(s.description()), v, s.path(), s.path() + ".description")),
                    s.url() != null ? s.url() : pkg.url(),
                    s.commit() != null ? s.commit() : pkg.commit(),
                    dependencies(s.dependencies(), v, s.path() + ".dependencies"),
                    s.options(),
                    s.scriptlets().byControlName(),
                    s.scriptlets().triggerPaths(),
                    new TreeSet<>(s.checksDisabled()),
                    s.setcap(),
                    subSteps,
                    test(s.test(), v),
                    null));
        }

        Set<String> envPackages = new TreeSet<>(needs);
        for (String p : recipe.environment().contents().packages()) {
            envPackages.add(steps.subst(p, mainVars, "environment.contents.packages", "environment.contents.packages"));
        }
        envPackages.addAll(addPackages);
        envPackages.removeAll(removePackages);

        Map<String, String> env = new TreeMap<>();
        recipe.environment()
                .environment()
                .forEach((k, v) -> env.put(
                        k, steps.subst(v, mainVars, "environment.environment." + k, "environment.environment." + k)));
        if (env.isEmpty()) {
            env.putAll(DEFAULT_ENV);
        }
        if (!problems.isEmpty()) {
            throw new RecipeException(problems);
        }
        List<String> targets = pkg.targetArchitecture();
        boolean skipped = !targets.isEmpty() && !targets.contains("all") && !targets.contains(arch.apk());
        return new BuildPlan(
                recipe.file(),
                pkg.name(),
                pkg.version(),
                pkg.epoch(),
                nz(pkg.description()),
                pkg.url(),
                pkg.commit(),
                license(pkg.copyright()),
                pkg.copyright(),
                targets,
                arch.apk(),
                skipped,
                List.copyOf(envPackages),
                environmentRepositories(recipe),
                recipe.environment().contents().keyring(),
                env,
                recipe.capabilities(),
                main,
                subs,
                mainSteps,
                pkg.timeout() == null ? null : BuildTimeout.parse(pkg.timeout()),
                Objects.requireNonNullElse(pkg.resources(), new Resources(null, null, null, null)));
    }

    private static List<String> environmentRepositories(Recipe recipe) {
        List<String> repos = new ArrayList<>(recipe.environment().contents().buildRepositories());
        repos.addAll(recipe.environment().contents().repositories());
        return repos;
    }

    private Map<String, String> baseVars(PackageSpec pkg, Arch arch) {
        Map<String, String> v = new HashMap<>();
        v.put("package.name", pkg.name());
        v.put("package.version", pkg.version());
        v.put("package.epoch", Long.toString(pkg.epoch()));
        v.put("package.full-version", pkg.version() + "-r" + pkg.epoch());
        v.put("package.description", nz(pkg.description()));
        v.put("package.srcdir", StepCompiler.HOME);
        v.put("targets.outdir", OUT);
        v.put("targets.destdir", OUT + "/" + pkg.name());
        v.put("targets.contextdir", OUT + "/" + pkg.name());
        v.put("build.arch", arch.apk());
        v.put("build.goarch", arch.go());
        v.put("host.triplet.gnu", arch.gnu("gnu"));
        v.put("host.triplet.rust", arch.rust("gnu"));
        v.put("cross.triplet.gnu.glibc", arch.gnu("gnu"));
        v.put("cross.triplet.gnu.musl", arch.gnu("musl"));
        v.put("cross.triplet.rust.glibc", arch.rust("gnu"));
        v.put("cross.triplet.rust.musl", arch.rust("musl"));
        for (String o : recipe.options().keySet()) {
            v.put(
                    "options." + o + ".enabled",
                    Boolean.toString(options.enabledOptions().contains(o)));
        }
        return v;
    }

    private List<Instance> expand(Map<String, String> base) {
        List<Instance> out = new ArrayList<>();
        Set<String> names = new TreeSet<>();
        names.add(recipe.pkg().name());
        for (SubpackageSpec s : recipe.subpackages()) {
            List<Map<String, String>> rangeVars = new ArrayList<>();
            if (s.range() == null) {
                rangeVars.add(Map.of());
            } else {
                Map<String, String> items = recipe.data().getOrDefault(s.range(), Map.of());
                for (Map.Entry<String, String> e : new TreeMap<>(items).entrySet()) {
                    rangeVars.add(Map.of("range.key", e.getKey(), "range.value", e.getValue()));
                }
            }
            for (Map<String, String> rv : rangeVars) {
                Map<String, String> v = new HashMap<>(base);
                v.putAll(rv);
                String name = steps.subst(s.name(), v, s.path() + ".name", s.path() + ".name");
                if (s.ifCondition() != null) {
                    try {
                        if (!Condition.evaluate(s.ifCondition(), v)) {
                            continue;
                        }
                    } catch (RecipeException e) {
                        problem(
                                s.path() + ".if",
                                s.path() + ".if: " + e.problems().get(0).message());
                        continue;
                    }
                }
                if (!RecipeReader.NAME.matcher(name).matches()) {
                    problem(s.path() + ".name", s.path() + ".name: '" + name + "' is not a valid package name");
                } else if (!names.add(name)) {
                    problem(s.path() + ".name", s.path() + ".name: package name '" + name + "' is used more than once");
                }
                out.add(new Instance(s, name, v));
            }
        }
        return out;
    }

    private PackageDependencies dependencies(DependenciesSpec d, Map<String, String> vars, String path) {
        return new PackageDependencies(
                substAll(d.runtime(), vars, path + ".runtime"),
                substAll(d.provides(), vars, path + ".provides"),
                substAll(d.replaces(), vars, path + ".replaces"),
                priority(d.providerPriority(), vars, path + ".provider-priority"),
                priority(d.replacesPriority(), vars, path + ".replaces-priority"));
    }

    private @Nullable Integer priority(@Nullable String text, Map<String, String> vars, String path) {
        if (text == null) {
            return null;
        }
        String v = steps.subst(text, vars, path, path).strip();
        if (v.isEmpty()) {
            return null; // e.g. a range value left empty in data: melange then writes no priority
        }
        try {
            return Integer.valueOf(v);
        } catch (NumberFormatException e) {
            problem(path, path + ": expected an integer, found '" + v + "'");
            return null;
        }
    }

    private List<String> substAll(List<String> in, Map<String, String> vars, String path) {
        List<String> out = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            out.add(steps.subst(in.get(i), vars, path + "[" + i + "]", path + "[" + i + "]"));
        }
        return out;
    }

    private @Nullable TestPlan test(@Nullable TestSpec t, Map<String, String> vars) {
        if (t == null) {
            return null;
        }
        Set<String> needs = new TreeSet<>();
        List<Step> compiled = steps.compile(t.pipeline(), vars, needs);
        BuildEnvironment e = t.environment();
        needs.addAll(substAll(e.contents().packages(), vars, t.path() + ".environment.contents.packages"));
        Map<String, String> env = new TreeMap<>();
        e.environment().forEach((k, v) -> env.put(k, steps.subst(v, vars, t.path() + ".environment", t.path())));
        return new TestPlan(List.copyOf(needs), env, compiled);
    }

    static String license(List<CopyrightEntry> copyright) {
        String joined = copyright.stream()
                .map(CopyrightEntry::license)
                .filter(l -> !l.isBlank())
                .collect(Collectors.joining(" AND "));
        return joined.isEmpty() ? "NOASSERTION" : joined;
    }

    private void problem(String path, String message) {
        problems.add(recipe.sourceMap().problem(path, message));
    }

    private static String nz(@Nullable String s) {
        return s == null ? "" : s;
    }

    private static Map<String, String> defaults() {
        Map<String, String> m = new TreeMap<>();
        m.put("HOME", "/home/build");
        m.put("GOPATH", "/home/build/.cache/go");
        m.put("GOMODCACHE", "/var/cache/melange/gomodcache");
        m.put("UV_CACHE_DIR", "/var/cache/melange/uv");
        m.put("PIP_CACHE_DIR", "/var/cache/melange/pip");
        m.put("COMPOSER_CACHE_DIR", "/var/cache/melange/composer");
        m.put("npm_config_cache", "/var/cache/melange/npm");
        return m;
    }
}
