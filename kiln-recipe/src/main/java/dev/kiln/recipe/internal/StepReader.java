package dev.kiln.recipe.internal;

import dev.kiln.content.yaml.YamlNode;
import dev.kiln.content.yaml.YamlReader;
import dev.kiln.recipe.BuildEnvironment;
import dev.kiln.recipe.InputSpec;
import dev.kiln.recipe.PipelineStep;
import dev.kiln.recipe.TestSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Reads pipeline steps, pipeline definition files, test blocks and build environments. */
final class StepReader {
    static final Set<String> STEP_KEYS = Set.of(
            "name",
            "uses",
            "with",
            "runs",
            "pipeline",
            "if",
            "working-directory",
            "environment",
            "needs",
            "inputs",
            "assertions",
            "label",
            "description");
    static final Set<String> DEFINITION_KEYS = Set.of("name", "description", "needs", "inputs", "pipeline");
    private static final Set<String> IMAGE_KEYS = Set.of(
            "contents",
            "environment",
            "accounts",
            "entrypoint",
            "cmd",
            "work-dir",
            "stop-signal",
            "paths",
            "archs",
            "annotations",
            "vcs-url",
            "include",
            "volumes",
            "layering",
            "format",
            "certificates",
            "options");
    private static final Set<String> CONTENTS_KEYS = Set.of(
            "repositories",
            "build_repositories",
            "runtime_repositories",
            "keyring",
            "runtime_keyring",
            "packages",
            "baseimage");

    private final YamlReader r;

    StepReader(YamlReader reader) {
        this.r = reader;
    }

    List<PipelineStep> steps(@Nullable YamlNode node, String path) {
        List<YamlNode> items = r.sequence(node, path);
        List<PipelineStep> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            PipelineStep s = step(items.get(i), path + "[" + i + "]");
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** The step, or null for an empty one (reported). */
    @Nullable
    PipelineStep step(@Nullable YamlNode node, String path) {
        Map<String, YamlNode> m = r.mapping(node, path, STEP_KEYS);
        if (YamlNode.isNull(node)) {
            r.error(node, path + ": empty pipeline step");
            return null;
        }
        String uses = r.string(m.get("uses"), path + ".uses");
        String runs = r.string(m.get("runs"), path + ".runs");
        Map<String, String> with = r.stringMap(m.get("with"), path + ".with");
        if (m.containsKey("with") && uses == null) {
            r.error(m.get("with"), path + ": 'with' needs 'uses'");
        }
        if (uses != null && runs != null) {
            r.error(m.get("runs"), path + ": a step cannot have both 'uses' and 'runs'");
        }
        if (uses != null && (uses.startsWith("/") || uses.contains(".."))) {
            r.error(
                    m.get("uses"),
                    path + ": 'uses' must be a relative pipeline name without '..', found '" + uses + "'");
        }
        Integer required = null;
        if (m.containsKey("assertions")) {
            Map<String, YamlNode> a = r.mapping(m.get("assertions"), path + ".assertions", Set.of("required-steps"));
            Long n = r.unsigned(a.get("required-steps"), path + ".assertions.required-steps");
            required = n == null ? null : n.intValue();
        }
        List<String> needs = List.of();
        if (m.containsKey("needs")) {
            Map<String, YamlNode> n = r.mapping(m.get("needs"), path + ".needs", Set.of("packages"));
            needs = r.strings(n.get("packages"), path + ".needs.packages");
        }
        return new PipelineStep(
                path,
                r.string(m.get("name"), path + ".name"),
                uses,
                with,
                runs,
                steps(m.get("pipeline"), path + ".pipeline"),
                inputs(m.get("inputs"), path + ".inputs"),
                needs,
                r.string(m.get("label"), path + ".label"),
                r.string(m.get("if"), path + ".if"),
                required,
                r.string(m.get("working-directory"), path + ".working-directory"),
                r.stringMap(m.get("environment"), path + ".environment"),
                r.string(m.get("description"), path + ".description"));
    }

    dev.kiln.recipe.PipelineDefinition definition(
            String name, String source, @Nullable YamlNode root, boolean builtin) {
        Map<String, YamlNode> m = r.mapping(root, "", DEFINITION_KEYS);
        List<String> needs = List.of();
        if (m.containsKey("needs")) {
            Map<String, YamlNode> n = r.mapping(m.get("needs"), "needs", Set.of("packages"));
            needs = r.strings(n.get("packages"), "needs.packages");
        }
        return new dev.kiln.recipe.PipelineDefinition(
                name,
                source,
                r.string(m.get("name"), "name"),
                r.string(m.get("description"), "description"),
                needs,
                inputs(m.get("inputs"), "inputs"),
                steps(m.get("pipeline"), "pipeline"),
                builtin);
    }

    Map<String, InputSpec> inputs(@Nullable YamlNode node, String path) {
        Map<String, InputSpec> out = new LinkedHashMap<>();
        r.mapping(node, path, null).forEach((name, v) -> {
            String p = YamlReader.child(path, name);
            Map<String, YamlNode> m = r.mapping(v, p, Set.of("description", "default", "required"));
            out.put(
                    name,
                    new InputSpec(
                            r.string(m.get("description"), p + ".description"),
                            r.string(m.get("default"), p + ".default"),
                            r.bool(m.get("required"), p + ".required", false)));
        });
        return out;
    }

    @Nullable
    TestSpec test(@Nullable YamlNode node, String path) {
        if (YamlNode.isNull(node)) {
            return null;
        }
        Map<String, YamlNode> m = r.mapping(node, path, Set.of("environment", "pipeline"));
        return new TestSpec(
                path,
                environment(m.get("environment"), path + ".environment"),
                steps(m.get("pipeline"), path + ".pipeline"));
    }

    BuildEnvironment environment(@Nullable YamlNode node, String path) {
        if (YamlNode.isNull(node)) {
            return BuildEnvironment.EMPTY;
        }
        Map<String, YamlNode> m = r.mapping(node, path, IMAGE_KEYS);
        BuildEnvironment.Contents contents = BuildEnvironment.Contents.EMPTY;
        if (m.containsKey("contents")) {
            String p = path + ".contents";
            Map<String, YamlNode> c = r.mapping(m.get("contents"), p, CONTENTS_KEYS);
            contents = new BuildEnvironment.Contents(
                    r.strings(c.get("repositories"), p + ".repositories"),
                    r.strings(c.get("build_repositories"), p + ".build_repositories"),
                    r.strings(c.get("runtime_repositories"), p + ".runtime_repositories"),
                    r.strings(c.get("keyring"), p + ".keyring"),
                    r.strings(c.get("packages"), p + ".packages"));
        }
        return new BuildEnvironment(
                contents,
                r.stringMap(m.get("environment"), path + ".environment"),
                accounts(m.get("accounts"), path + ".accounts"));
    }

    private BuildEnvironment.Accounts accounts(@Nullable YamlNode node, String path) {
        if (YamlNode.isNull(node)) {
            return BuildEnvironment.Accounts.EMPTY;
        }
        Map<String, YamlNode> m = r.mapping(node, path, Set.of("users", "groups", "run-as"));
        List<BuildEnvironment.User> users = new ArrayList<>();
        List<YamlNode> us = r.sequence(m.get("users"), path + ".users");
        for (int i = 0; i < us.size(); i++) {
            String p = path + ".users[" + i + "]";
            Map<String, YamlNode> u = r.mapping(us.get(i), p, Set.of("username", "uid", "gid", "shell", "homedir"));
            users.add(new BuildEnvironment.User(
                    r.string(u.get("username"), p + ".username"),
                    r.unsigned(u.get("uid"), p + ".uid"),
                    r.unsigned(u.get("gid"), p + ".gid"),
                    r.string(u.get("shell"), p + ".shell"),
                    r.string(u.get("homedir"), p + ".homedir")));
        }
        List<BuildEnvironment.Group> groups = new ArrayList<>();
        List<YamlNode> gs = r.sequence(m.get("groups"), path + ".groups");
        for (int i = 0; i < gs.size(); i++) {
            String p = path + ".groups[" + i + "]";
            Map<String, YamlNode> g = r.mapping(gs.get(i), p, Set.of("groupname", "gid", "members"));
            groups.add(new BuildEnvironment.Group(
                    r.string(g.get("groupname"), p + ".groupname"),
                    r.unsigned(g.get("gid"), p + ".gid"),
                    r.strings(g.get("members"), p + ".members")));
        }
        return new BuildEnvironment.Accounts(users, groups, r.string(m.get("run-as"), path + ".run-as"));
    }
}
