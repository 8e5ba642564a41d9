package dev.kiln.recipe.internal;

import dev.kiln.recipe.BuildPlan;
import dev.kiln.recipe.CopyrightEntry;
import dev.kiln.recipe.Cpe;
import dev.kiln.recipe.FetchStep;
import dev.kiln.recipe.GitCheckoutStep;
import dev.kiln.recipe.PackageDependencies;
import dev.kiln.recipe.PackageOptions;
import dev.kiln.recipe.PackagePlan;
import dev.kiln.recipe.SetCap;
import dev.kiln.recipe.ShellStep;
import dev.kiln.recipe.Step;
import dev.kiln.recipe.TestPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Renders a {@link BuildPlan} as the compiled recipe: uses inlined, values substituted, comments
 * gone. Lists keep their order (it is semantic); maps whose order is not are sorted.
 */
public final class PlanYaml {
    private PlanYaml() {}

    public static String render(BuildPlan plan) {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> pkg = new LinkedHashMap<>();
        pkg.put("name", plan.name());
        pkg.put("version", plan.version());
        pkg.put("epoch", plan.epoch());
        putIf(pkg, "description", plan.description());
        putIf(pkg, "url", plan.url());
        putIf(pkg, "commit", plan.commit());
        if (!plan.targetArchitectures().isEmpty()) {
            pkg.put("target-architecture", plan.targetArchitectures());
        }
        List<Object> copyright = new ArrayList<>();
        for (CopyrightEntry c : plan.copyright()) {
            Map<String, Object> e = new LinkedHashMap<>();
            putIf(e, "attestation", c.attestation());
            putIf(e, "license", c.license());
            putIf(e, "license-path", c.licensePath());
            if (!c.paths().isEmpty()) {
                e.put("paths", c.paths());
            }
            copyright.add(e);
        }
        if (!copyright.isEmpty()) {
            pkg.put("copyright", copyright);
        }
        packageFields(pkg, plan.mainPackage());
        if (plan.mainPackage().cpe() != null) {
            pkg.put("cpe", cpe(plan.mainPackage().cpe()));
        }
        root.put("package", pkg);

        Map<String, Object> env = new LinkedHashMap<>();
        env.put("contents", Map.of("packages", plan.environmentPackages()));
        env.put("environment", new TreeMap<>(plan.environmentVariables()));
        root.put("environment", env);
        if (!plan.capabilities().add().isEmpty() || !plan.capabilities().drop().isEmpty()) {
            Map<String, Object> caps = new LinkedHashMap<>();
            caps.put("add", plan.capabilities().add());
            caps.put("drop", plan.capabilities().drop());
            root.put("capabilities", caps);
        }
        root.put("pipeline", steps(plan.steps()));
        if (!plan.subpackages().isEmpty()) {
            List<Object> subs = new ArrayList<>();
            for (PackagePlan p : plan.subpackages()) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("name", p.name());
                putIf(s, "description", p.description());
                putIf(s, "url", p.url());
                putIf(s, "commit", p.commit());
                packageFields(s, p);
                s.put("pipeline", steps(p.steps()));
                if (p.test() != null) {
                    s.put("test", test(p.test()));
                }
                subs.add(s);
            }
            root.put("subpackages", subs);
        }
        if (plan.mainPackage().test() != null) {
            root.put("test", test(plan.mainPackage().test()));
        }
        return YamlWriter.write(root);
    }

    private static void packageFields(Map<String, Object> m, PackagePlan p) {
        PackageDependencies d = p.dependencies();
        Map<String, Object> deps = new LinkedHashMap<>();
        if (d.providerPriority() != null) {
            deps.put("provider-priority", d.providerPriority());
        }
        if (!d.provides().isEmpty()) {
            deps.put("provides", d.provides());
        }
        if (!d.replaces().isEmpty()) {
            deps.put("replaces", d.replaces());
        }
        if (d.replacesPriority() != null) {
            deps.put("replaces-priority", d.replacesPriority());
        }
        if (!d.runtime().isEmpty()) {
            deps.put("runtime", d.runtime());
        }
        if (!deps.isEmpty()) {
            m.put("dependencies", deps);
        }
        PackageOptions o = p.options();
        Map<String, Object> opts = new LinkedHashMap<>();
        if (o.noCommands()) {
            opts.put("no-commands", true);
        }
        if (o.noDepends()) {
            opts.put("no-depends", true);
        }
        if (o.noProvides()) {
            opts.put("no-provides", true);
        }
        if (o.noVersionedShlibDeps()) {
            opts.put("no-versioned-shlib-deps", true);
        }
        if (!opts.isEmpty()) {
            m.put("options", opts);
        }
        if (!p.scriptlets().isEmpty() || !p.triggerPaths().isEmpty()) {
            Map<String, Object> sc = new TreeMap<>();
            p.scriptlets().forEach((k, v) -> {
                if (!k.equals(".trigger")) {
                    sc.put(k.substring(1), v);
                }
            });
            if (p.scriptlets().containsKey(".trigger")) {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("paths", p.triggerPaths());
                t.put("script", p.scriptlets().get(".trigger"));
                sc.put("trigger", t);
            }
            m.put("scriptlets", sc);
        }
        if (!p.checksDisabled().isEmpty()) {
            m.put("checks", Map.of("disabled", List.copyOf(new java.util.TreeSet<>(p.checksDisabled()))));
        }
        if (!p.setcap().isEmpty()) {
            List<Object> caps = new ArrayList<>();
            for (SetCap c : p.setcap()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("add", new TreeMap<>(c.add()));
                e.put("path", c.path());
                putIf(e, "reason", c.reason());
                caps.add(e);
            }
            m.put("setcap", caps);
        }
    }

    private static Map<String, Object> cpe(Cpe c) {
        Map<String, Object> m = new LinkedHashMap<>();
        putIf(m, "edition", c.edition());
        putIf(m, "language", c.language());
        putIf(m, "other", c.other());
        putIf(m, "part", c.part());
        putIf(m, "product", c.product());
        putIf(m, "sw_edition", c.swEdition());
        putIf(m, "target_hw", c.targetHw());
        putIf(m, "target_sw", c.targetSw());
        putIf(m, "vendor", c.vendor());
        return m;
    }

    private static Map<String, Object> test(TestPlan t) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("contents", Map.of("packages", t.environmentPackages()));
        if (!t.environmentVariables().isEmpty()) {
            env.put("environment", new TreeMap<>(t.environmentVariables()));
        }
        m.put("environment", env);
        m.put("pipeline", steps(t.steps()));
        return m;
    }

    private static List<Object> steps(List<Step> steps) {
        List<Object> out = new ArrayList<>();
        for (Step s : steps) {
            Map<String, Object> m = new LinkedHashMap<>();
            if (s instanceof ShellStep sh) {
                m.put("name", sh.label());
                if (!sh.environment().isEmpty()) {
                    m.put("environment", new TreeMap<>(sh.environment()));
                }
                m.put("runs", sh.script());
                m.put("working-directory", sh.workingDirectory());
            } else if (s instanceof FetchStep f) {
                m.put("name", f.label());
                m.put("uses", "fetch");
                Map<String, Object> w = new TreeMap<>();
                w.put("delete", f.delete());
                w.put("directory", f.directory());
                putIf(w, "expected-sha256", f.expectedSha256());
                putIf(w, "expected-sha512", f.expectedSha512());
                if (f.expectedNone()) {
                    w.put("expected-none", true);
                }
                w.put("extract", f.extract());
                putIf(w, "purl-name", f.purlName());
                putIf(w, "purl-version", f.purlVersion());
                w.put("strip-components", f.stripComponents());
                w.put("uri", f.uri());
                m.put("with", w);
                m.put("working-directory", f.workingDirectory());
            } else if (s instanceof GitCheckoutStep g) {
                m.put("name", g.label());
                m.put("uses", "git-checkout");
                Map<String, Object> w = new TreeMap<>();
                putIf(w, "branch", g.branch());
                if (!g.cherryPicks().isEmpty()) {
                    w.put("cherry-picks", String.join("\n", g.cherryPicks()) + "\n");
                }
                if (g.depth() != null) {
                    w.put("depth", g.depth());
                }
                w.put("destination", g.destination());
                putIf(w, "expected-commit", g.expectedCommit());
                w.put("recurse-submodules", g.recurseSubmodules());
                w.put("repository", g.repository());
                putIf(w, "tag", g.tag());
                m.put("with", w);
                m.put("working-directory", g.workingDirectory());
            }
            out.add(m);
        }
        return out;
    }

    private static void putIf(Map<String, Object> m, String k, @Nullable String v) {
        if (v != null && !v.isEmpty()) {
            m.put(k, v);
        }
    }
}
