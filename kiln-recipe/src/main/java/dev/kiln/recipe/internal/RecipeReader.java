package dev.kiln.recipe.internal;

import dev.kiln.content.yaml.YamlNode;
import dev.kiln.content.yaml.YamlReader;
import dev.kiln.recipe.BuildEnvironment;
import dev.kiln.recipe.BuildOption;
import dev.kiln.recipe.BuildTimeout;
import dev.kiln.recipe.Capabilities;
import dev.kiln.recipe.CopyrightEntry;
import dev.kiln.recipe.Cpe;
import dev.kiln.recipe.DependenciesSpec;
import dev.kiln.recipe.LinuxCapability;
import dev.kiln.recipe.PackageOptions;
import dev.kiln.recipe.PackageSpec;
import dev.kiln.recipe.Recipe;
import dev.kiln.recipe.Resources;
import dev.kiln.recipe.Scriptlets;
import dev.kiln.recipe.SetCap;
import dev.kiln.recipe.SourceMap;
import dev.kiln.recipe.SubpackageSpec;
import dev.kiln.recipe.TestSpec;
import dev.kiln.recipe.VarTransform;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Turns the node tree of a recipe into the typed {@link Recipe}, collecting every problem. */
final class RecipeReader {
    private static final Set<String> TOP_KEYS = Set.of(
            "package",
            "environment",
            "capabilities",
            "pipeline",
            "subpackages",
            "data",
            "update",
            "vars",
            "var-transforms",
            "options",
            "test");
    private static final Set<String> PACKAGE_KEYS = Set.of(
            "name",
            "version",
            "epoch",
            "description",
            "url",
            "commit",
            "annotations",
            "target-architecture",
            "copyright",
            "dependencies",
            "options",
            "scriptlets",
            "checks",
            "cpe",
            "setcap",
            "timeout",
            "resources",
            "test-resources");
    private static final Set<String> SUBPACKAGE_KEYS = Set.of(
            "name",
            "pipeline",
            "dependencies",
            "options",
            "scriptlets",
            "description",
            "annotations",
            "url",
            "commit",
            "checks",
            "test",
            "setcap",
            "if",
            "range");
    private static final Set<String> ALLOWED_CAPS =
            Set.of("net_bind_service", "net_admin", "net_raw", "ipc_lock", "sys_admin");
    static final Pattern NAME = Pattern.compile("^[a-zA-Z\\d][a-zA-Z\\d+_.-]*$");
    private static final Pattern CPE_VALUE = Pattern.compile("^[a-z\\d][a-z\\d+_.-]*$");

    private final YamlReader r;
    private final StepReader steps;

    RecipeReader(YamlReader reader) {
        this.r = reader;
        this.steps = new StepReader(reader);
    }

    Recipe recipe(@Nullable YamlNode root, String text) {
        Map<String, YamlNode> m = r.mapping(root, "", TOP_KEYS);
        if (YamlNode.isNull(root)) {
            r.error(root, "the recipe is empty");
        } else if (!m.containsKey("package")) {
            r.error(root, "missing required key 'package'");
        }
        PackageSpec pkg = pkg(m.get("package"));
        Map<String, Map<String, String>> data = data(m.get("data"));
        List<SubpackageSpec> subs = new ArrayList<>();
        List<YamlNode> sn = r.sequence(m.get("subpackages"), "subpackages");
        for (int i = 0; i < sn.size(); i++) {
            subs.add(subpackage(sn.get(i), "subpackages[" + i + "]", data));
        }
        List<VarTransform> transforms = new ArrayList<>();
        List<YamlNode> tn = r.sequence(m.get("var-transforms"), "var-transforms");
        for (int i = 0; i < tn.size(); i++) {
            String p = "var-transforms[" + i + "]";
            Map<String, YamlNode> t = r.mapping(tn.get(i), p, Set.of("from", "match", "replace", "to"));
            for (String k : List.of("from", "match", "replace", "to")) {
                if (!t.containsKey(k) && !k.equals("replace")) {
                    r.error(tn.get(i), p + ": missing required key '" + k + "'");
                }
            }
            transforms.add(new VarTransform(
                    p,
                    r.string(t.get("from"), p + ".from", ""),
                    r.string(t.get("match"), p + ".match", ""),
                    r.string(t.get("replace"), p + ".replace", ""),
                    r.string(t.get("to"), p + ".to", "")));
        }
        Recipe recipe = new Recipe(
                r.file(),
                pkg,
                steps.environment(m.get("environment"), "environment"),
                capabilities(m.get("capabilities")),
                steps.steps(m.get("pipeline"), "pipeline"),
                subs,
                data,
                new UpdateReader(r).update(m.get("update")),
                r.stringMap(m.get("vars"), "vars"),
                transforms,
                options(m.get("options")),
                steps.test(m.get("test"), "test"),
                new SourceMap(r.file(), r.positions()),
                text);
        return recipe;
    }

    private PackageSpec pkg(@Nullable YamlNode node) {
        String p = "package";
        Map<String, YamlNode> m = r.mapping(node, p, PACKAGE_KEYS);
        String name = r.string(m.get("name"), p + ".name");
        // node is null only when 'package' is absent, already reported; 'package:' with no value is a null scalar
        if (name == null && node != null) {
            r.error(node, "package: missing required key 'name'");
        } else if (name != null && !NAME.matcher(name).matches()) {
            r.error(
                    m.get("name"),
                    "package.name: '" + name + "' is not a valid package name (expected " + NAME.pattern() + ")");
        }
        String version = r.string(m.get("version"), p + ".version");
        if (version == null && node != null) {
            r.error(node, "package: missing required key 'version'");
        }
        Long epoch = r.unsigned(m.get("epoch"), p + ".epoch");
        Map<String, YamlNode> checks = r.mapping(m.get("checks"), p + ".checks", Set.of("enabled", "disabled"));
        // A missing name or version is reported above, so this recipe is never returned: "" stands in
        return new PackageSpec(
                name == null ? "" : name,
                version == null ? "" : version,
                epoch == null ? 0 : epoch,
                m.containsKey("epoch"),
                r.string(m.get("description"), p + ".description"),
                r.string(m.get("url"), p + ".url"),
                r.string(m.get("commit"), p + ".commit"),
                r.stringMap(m.get("annotations"), p + ".annotations"),
                r.strings(m.get("target-architecture"), p + ".target-architecture"),
                copyright(m.get("copyright"), p + ".copyright"),
                dependencies(m.get("dependencies"), p + ".dependencies"),
                packageOptions(m.get("options"), p + ".options"),
                scriptlets(m.get("scriptlets"), p + ".scriptlets"),
                r.strings(checks.get("disabled"), p + ".checks.disabled"),
                cpe(m.get("cpe"), p + ".cpe"),
                setcap(m.get("setcap"), p + ".setcap"),
                timeout(m.get("timeout"), p + ".timeout"),
                resources(m.get("resources"), p + ".resources"),
                resources(m.get("test-resources"), p + ".test-resources"));
    }

    /** Checked here, where the node's position is known; compiled into {@link BuildPlan#timeout()}. */
    private @Nullable String timeout(@Nullable YamlNode node, String path) {
        String text = r.string(node, path);
        if (text != null) {
            try {
                BuildTimeout.parse(text);
            } catch (IllegalArgumentException e) {
                r.error(node, path + ": " + e.getMessage());
                return null;
            }
        }
        return text;
    }

    private List<CopyrightEntry> copyright(@Nullable YamlNode node, String path) {
        List<CopyrightEntry> out = new ArrayList<>();
        List<YamlNode> items = r.sequence(node, path);
        for (int i = 0; i < items.size(); i++) {
            String p = path + "[" + i + "]";
            Map<String, YamlNode> m = r.mapping(
                    items.get(i), p, Set.of("license", "paths", "attestation", "license-path", "detection-override"));
            out.add(new CopyrightEntry(
                    r.string(m.get("license"), p + ".license", ""),
                    r.strings(m.get("paths"), p + ".paths"),
                    r.string(m.get("attestation"), p + ".attestation"),
                    r.string(m.get("license-path"), p + ".license-path"),
                    r.string(m.get("detection-override"), p + ".detection-override")));
        }
        return out;
    }

    private DependenciesSpec dependencies(@Nullable YamlNode node, String path) {
        if (YamlNode.isNull(node)) {
            return DependenciesSpec.NONE;
        }
        Map<String, YamlNode> m = r.mapping(
                node, path, Set.of("runtime", "provides", "replaces", "provider-priority", "replaces-priority"));
        return new DependenciesSpec(
                r.strings(m.get("runtime"), path + ".runtime"),
                r.strings(m.get("provides"), path + ".provides"),
                r.strings(m.get("replaces"), path + ".replaces"),
                r.string(m.get("provider-priority"), path + ".provider-priority"),
                r.string(m.get("replaces-priority"), path + ".replaces-priority"));
    }

    private PackageOptions packageOptions(@Nullable YamlNode node, String path) {
        if (YamlNode.isNull(node)) {
            return PackageOptions.DEFAULT;
        }
        Map<String, YamlNode> m =
                r.mapping(node, path, Set.of("no-provides", "no-depends", "no-commands", "no-versioned-shlib-deps"));
        return new PackageOptions(
                r.bool(m.get("no-provides"), path + ".no-provides", false),
                r.bool(m.get("no-depends"), path + ".no-depends", false),
                r.bool(m.get("no-commands"), path + ".no-commands", false),
                r.bool(m.get("no-versioned-shlib-deps"), path + ".no-versioned-shlib-deps", false));
    }

    private Scriptlets scriptlets(@Nullable YamlNode node, String path) {
        if (YamlNode.isNull(node)) {
            return Scriptlets.NONE;
        }
        Map<String, YamlNode> m = r.mapping(
                node,
                path,
                Set.of(
                        "pre-install",
                        "post-install",
                        "pre-deinstall",
                        "post-deinstall",
                        "pre-upgrade",
                        "post-upgrade",
                        "trigger"));
        String triggerScript = null;
        List<String> triggerPaths = List.of();
        if (m.containsKey("trigger")) {
            String p = path + ".trigger";
            Map<String, YamlNode> t = r.mapping(m.get("trigger"), p, Set.of("script", "paths"));
            triggerScript = script(t.get("script"), p + ".script");
            triggerPaths = r.strings(t.get("paths"), p + ".paths");
        }
        return new Scriptlets(
                script(m.get("pre-install"), path + ".pre-install"),
                script(m.get("post-install"), path + ".post-install"),
                script(m.get("pre-deinstall"), path + ".pre-deinstall"),
                script(m.get("post-deinstall"), path + ".post-deinstall"),
                script(m.get("pre-upgrade"), path + ".pre-upgrade"),
                script(m.get("post-upgrade"), path + ".post-upgrade"),
                triggerScript,
                triggerPaths);
    }

    private @Nullable String script(@Nullable YamlNode node, String path) {
        String s = r.string(node, path);
        if (s != null && !s.startsWith("#!")) {
            r.error(node, path + ": a scriptlet must start with a shebang line (#!)");
        }
        return s;
    }

    private @Nullable Cpe cpe(@Nullable YamlNode node, String path) {
        if (YamlNode.isNull(node)) {
            return null;
        }
        Map<String, YamlNode> m = r.mapping(
                node,
                path,
                Set.of(
                        "part",
                        "vendor",
                        "product",
                        "edition",
                        "language",
                        "sw_edition",
                        "target_sw",
                        "target_hw",
                        "other"));
        Map<String, String> v = new LinkedHashMap<>();
        m.forEach((k, n) -> {
            String s = r.string(n, path + "." + k);
            if (s != null && !s.isEmpty() && !CPE_VALUE.matcher(s).matches() && !s.contains("${{")) {
                r.error(n, path + "." + k + ": '" + s + "' does not match " + CPE_VALUE.pattern());
            }
            v.put(k, s);
        });
        String part = v.get("part");
        if (part != null && !part.equals("a") && !part.equals("o")) {
            r.error(m.get("part"), path + ".part: expected 'a' or 'o', found '" + part + "'");
        }
        if ((v.get("vendor") == null) != (v.get("product") == null)) {
            r.error(node, path + ": 'vendor' and 'product' must be set together");
        }
        return new Cpe(
                part,
                v.get("vendor"),
                v.get("product"),
                v.get("edition"),
                v.get("language"),
                v.get("sw_edition"),
                v.get("target_sw"),
                v.get("target_hw"),
                v.get("other"));
    }

    private List<SetCap> setcap(@Nullable YamlNode node, String path) {
        List<SetCap> out = new ArrayList<>();
        List<YamlNode> items = r.sequence(node, path);
        for (int i = 0; i < items.size(); i++) {
            String p = path + "[" + i + "]";
            Map<String, YamlNode> m = r.mapping(items.get(i), p, Set.of("path", "add", "reason"));
            Map<String, String> add = r.stringMap(m.get("add"), p + ".add");
            for (String caps : add.keySet()) {
                for (String cap : caps.split(",")) {
                    String c = cap.trim().toLowerCase(java.util.Locale.ROOT);
                    if (!ALLOWED_CAPS.contains(c.startsWith("cap_") ? c.substring(4) : c)) {
                        r.error(
                                m.get("add"),
                                p + ".add: capability '" + cap.trim() + "' is not allowed (allowed: "
                                        + String.join(", ", new java.util.TreeSet<>(ALLOWED_CAPS)) + ")");
                    }
                }
            }
            String reason = r.string(m.get("reason"), p + ".reason");
            if (reason == null || reason.isBlank()) {
                r.error(items.get(i), p + ": 'reason' is required");
            }
            String file = r.string(m.get("path"), p + ".path");
            if (file == null) {
                r.error(items.get(i), p + ": 'path' is required");
            }
            // a missing reason is reported above, so this recipe is never returned: "" stands in
            out.add(new SetCap(file == null ? "" : file, add, reason == null ? "" : reason));
        }
        return out;
    }

    private @Nullable Resources resources(@Nullable YamlNode node, String path) {
        if (YamlNode.isNull(node)) {
            return null;
        }
        Map<String, YamlNode> m = r.mapping(node, path, Set.of("cpu", "cpumodel", "memory", "disk"));
        return new Resources(
                r.string(m.get("cpu"), path + ".cpu"),
                r.string(m.get("cpumodel"), path + ".cpumodel"),
                r.string(m.get("memory"), path + ".memory"),
                r.string(m.get("disk"), path + ".disk"));
    }

    private Capabilities capabilities(@Nullable YamlNode node) {
        if (YamlNode.isNull(node)) {
            return Capabilities.NONE;
        }
        Map<String, YamlNode> m = r.mapping(node, "capabilities", Set.of("add", "drop"));
        return new Capabilities(
                capabilityNames(m.get("add"), "capabilities.add"), capabilityNames(m.get("drop"), "capabilities.drop"));
    }

    /** Capability names in their kernel spelling ({@code CAP_NET_ADMIN}); an unknown name is an error. */
    private List<String> capabilityNames(@Nullable YamlNode node, String path) {
        List<String> out = new ArrayList<>();
        List<YamlNode> items = r.sequence(node, path);
        for (int i = 0; i < items.size(); i++) {
            String p = path + "[" + i + "]";
            String name = r.string(items.get(i), p);
            if (name == null) {
                continue;
            }
            Optional<LinuxCapability> cap = LinuxCapability.parse(name);
            if (cap.isPresent()) {
                out.add(cap.get().capName());
            } else {
                r.error(
                        items.get(i),
                        p + ": unknown capability '" + name + "' (did you mean "
                                + LinuxCapability.nearest(name).capName()
                                + "? Linux defines CAP_CHOWN to CAP_CHECKPOINT_RESTORE,"
                                + " see capabilities(7))");
            }
        }
        return out;
    }

    private Map<String, Map<String, String>> data(@Nullable YamlNode node) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        List<YamlNode> items = r.sequence(node, "data");
        for (int i = 0; i < items.size(); i++) {
            String p = "data[" + i + "]";
            Map<String, YamlNode> m = r.mapping(items.get(i), p, Set.of("name", "items"));
            String name = r.string(m.get("name"), p + ".name");
            if (name == null) {
                r.error(items.get(i), p + ": missing required key 'name'");
                continue;
            }
            if (out.containsKey(name)) {
                r.error(m.get("name"), p + ": duplicate data name '" + name + "'");
            }
            out.put(name, r.stringMap(m.get("items"), p + ".items"));
        }
        return out;
    }

    private SubpackageSpec subpackage(YamlNode node, String p, Map<String, Map<String, String>> data) {
        Map<String, YamlNode> m = r.mapping(node, p, SUBPACKAGE_KEYS);
        String name = r.string(m.get("name"), p + ".name");
        if (name == null) {
            r.error(node, p + ": missing required key 'name'");
        }
        String range = r.string(m.get("range"), p + ".range");
        if (range != null && range.isEmpty()) {
            range = null; // melange ignores an empty range
        }
        if (range != null && !data.containsKey(range)) {
            r.error(m.get("range"), p + ".range: no data entry named '" + range + "'");
        }
        Map<String, YamlNode> checks = r.mapping(m.get("checks"), p + ".checks", Set.of("enabled", "disabled"));
        TestSpec test = steps.test(m.get("test"), p + ".test");
        return new SubpackageSpec(
                p,
                name == null ? "" : name,
                r.string(m.get("description"), p + ".description"),
                r.string(m.get("url"), p + ".url"),
                r.string(m.get("commit"), p + ".commit"),
                r.stringMap(m.get("annotations"), p + ".annotations"),
                dependencies(m.get("dependencies"), p + ".dependencies"),
                packageOptions(m.get("options"), p + ".options"),
                scriptlets(m.get("scriptlets"), p + ".scriptlets"),
                r.strings(checks.get("disabled"), p + ".checks.disabled"),
                setcap(m.get("setcap"), p + ".setcap"),
                steps.steps(m.get("pipeline"), p + ".pipeline"),
                test,
                r.string(m.get("if"), p + ".if"),
                range);
    }

    private Map<String, BuildOption> options(@Nullable YamlNode node) {
        Map<String, BuildOption> out = new LinkedHashMap<>();
        r.mapping(node, "options", null).forEach((name, v) -> {
            String p = "options." + name;
            Map<String, YamlNode> m = r.mapping(v, p, Set.of("vars", "environment"));
            List<String> add = List.of();
            List<String> remove = List.of();
            if (m.containsKey("environment")) {
                Map<String, YamlNode> e = r.mapping(m.get("environment"), p + ".environment", Set.of("contents"));
                Map<String, YamlNode> c = r.mapping(e.get("contents"), p + ".environment.contents", Set.of("packages"));
                String pp = p + ".environment.contents.packages";
                Map<String, YamlNode> pk = r.mapping(c.get("packages"), pp, Set.of("add", "remove"));
                add = r.strings(pk.get("add"), pp + ".add");
                remove = r.strings(pk.get("remove"), pp + ".remove");
            }
            out.put(name, new BuildOption(r.stringMap(m.get("vars"), p + ".vars"), add, remove));
        });
        return out;
    }

    /** Kept for other readers that need the environment of a test block. */
    BuildEnvironment environment(@Nullable YamlNode node, String path) {
        return steps.environment(node, path);
    }
}
