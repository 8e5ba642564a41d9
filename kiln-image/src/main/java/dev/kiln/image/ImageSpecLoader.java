package dev.kiln.image;

import dev.kiln.apk.ApkException;
import dev.kiln.apk.Dependency;
import dev.kiln.image.ImageSpec.Accounts;
import dev.kiln.image.ImageSpec.BaseImage;
import dev.kiln.image.ImageSpec.Certificates;
import dev.kiln.image.ImageSpec.Contents;
import dev.kiln.image.ImageSpec.Entrypoint;
import dev.kiln.image.ImageSpec.Group;
import dev.kiln.image.ImageSpec.Layering;
import dev.kiln.image.ImageSpec.NamedContent;
import dev.kiln.image.ImageSpec.PathEntry;
import dev.kiln.image.ImageSpec.PathType;
import dev.kiln.image.ImageSpec.User;
import dev.kiln.oci.OciException;
import dev.kiln.oci.Platform;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Loads apko image configurations strictly: an unknown key, a wrong type or a bad value is an
 * error at {@code file:line:col}, and every problem of a file is reported at once. {@code include}
 * is resolved and merged (the including file wins); {@code archs} are normalised to APK names.
 */
public final class ImageSpecLoader {
    private static final int MAX_INCLUDE_DEPTH = 8;

    private final Path file;
    private final List<String> problems = new ArrayList<>();

    private ImageSpecLoader(Path file) {
        this.file = file;
    }

    public static ImageSpec load(Path file) {
        return load(file, 0);
    }

    private static ImageSpec load(Path file, int depth) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ImageException("image config " + file + ": cannot read: " + e.getMessage(), e);
        }
        ImageSpecLoader loader = new ImageSpecLoader(file);
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
        } catch (RuntimeException e) {
            throw new ImageException("image config " + file + ": invalid YAML: " + e.getMessage(), e);
        }
        if (root == null) {
            throw new ImageException("image config " + file + " is empty");
        }
        String[] include = new String[1];
        ImageSpec spec = loader.spec(root, include);
        if (!loader.problems.isEmpty()) {
            throw new ImageException(String.join("\n", loader.problems));
        }
        if (include[0] != null) {
            if (depth >= MAX_INCLUDE_DEPTH) {
                throw new ImageException("image config " + file + ": include nested deeper than " + MAX_INCLUDE_DEPTH);
            }
            spec = spec.over(load(resolveInclude(file, include[0]), depth + 1));
        }
        return spec;
    }

    /**
     * apko resolves {@code include} from its working directory (usually its repository root);
     * Kiln tries the config's directory and its parents, then the file name beside the config.
     */
    static Path resolveInclude(Path config, String include) {
        Path dir = config.toAbsolutePath().getParent();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path candidate = d.resolve(include);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        Path sibling = dir.resolve(Path.of(include).getFileName());
        if (Files.isRegularFile(sibling)) {
            return sibling;
        }
        throw new ImageException("image config " + config + ": include '" + include
                + "' not found beside the config or in its parent directories");
    }

    private String at(Node n) {
        return file + ":" + (n.getStartMark().getLine() + 1) + ":"
                + (n.getStartMark().getColumn() + 1);
    }

    private void problem(Node n, String message) {
        problems.add("image config " + at(n) + ": " + message);
    }

    private ImageSpec spec(Node root, String[] include) {
        Map<String, Node> m = mapping(
                root,
                "the image config",
                Set.of(
                        "contents",
                        "entrypoint",
                        "cmd",
                        "work-dir",
                        "stop-signal",
                        "accounts",
                        "environment",
                        "paths",
                        "archs",
                        "annotations",
                        "volumes",
                        "layering",
                        "vcs-url",
                        "include",
                        "format",
                        "certificates",
                        "options"));
        if (m.containsKey("options")) {
            problem(m.get("options"), "'options' (build-time profiles) is not supported by Kiln; inline the options");
        }
        include[0] = scalar(m.get("include"), "include");
        return new ImageSpec(
                contents(m.get("contents")),
                entrypoint(m.get("entrypoint")),
                scalar(m.get("cmd"), "cmd"),
                scalar(m.get("work-dir"), "work-dir"),
                scalar(m.get("stop-signal"), "stop-signal"),
                accounts(m.get("accounts")),
                stringMap(m.get("environment"), "environment"),
                list(m.get("paths"), "paths", this::pathEntry),
                list(m.get("archs"), "archs", this::arch),
                stringMap(m.get("annotations"), "annotations"),
                strings(m.get("volumes"), "volumes"),
                layering(m.get("layering")),
                scalar(m.get("vcs-url"), "vcs-url"),
                format(m.get("format")),
                certificates(m.get("certificates")));
    }

    private Contents contents(Node n) {
        if (n == null) {
            return null;
        }
        Map<String, Node> m = mapping(
                n,
                "contents",
                Set.of(
                        "repositories",
                        "build_repositories",
                        "runtime_repositories",
                        "keyring",
                        "runtime_keyring",
                        "packages",
                        "baseimage"));
        BaseImage base = null;
        if (m.get("baseimage") != null) {
            Map<String, Node> b = mapping(m.get("baseimage"), "contents.baseimage", Set.of("image", "apkindex"));
            base = new BaseImage(
                    scalar(b.get("image"), "baseimage.image"), scalar(b.get("apkindex"), "baseimage.apkindex"));
        }
        return new Contents(
                strings(m.get("repositories"), "contents.repositories"),
                strings(m.get("build_repositories"), "contents.build_repositories"),
                strings(m.get("runtime_repositories"), "contents.runtime_repositories"),
                strings(m.get("keyring"), "contents.keyring"),
                list(m.get("runtime_keyring"), "contents.runtime_keyring", x -> named(x, "contents.runtime_keyring")),
                list(m.get("packages"), "contents.packages", this::packageAtom),
                base);
    }

    private String packageAtom(Node n) {
        String atom = scalar(n, "contents.packages");
        if (atom != null) {
            try {
                Dependency d = Dependency.parse(atom);
                if (!d.versionValid()) {
                    problem(n, "package '" + atom + "': version '" + d.version() + "' is not a valid apk version");
                }
            } catch (ApkException e) {
                problem(n, "package '" + atom + "': " + e.getMessage());
            }
        }
        return atom;
    }

    private NamedContent named(Node n, String what) {
        Map<String, Node> m = mapping(n, what + " entry", Set.of("name", "content"));
        String name = required(n, m, "name", what);
        String content = required(n, m, "content", what);
        if (name != null && (name.contains("/") || name.startsWith("."))) {
            problem(m.get("name"), what + " name '" + name + "' must be a plain file name");
        }
        return new NamedContent(name, content);
    }

    private Entrypoint entrypoint(Node n) {
        if (n == null) {
            return null;
        }
        Map<String, Node> m = mapping(n, "entrypoint", Set.of("type", "command", "shell-fragment", "services"));
        String type = scalar(m.get("type"), "entrypoint.type");
        if (type != null && !type.equals("service-bundle")) {
            problem(m.get("type"), "entrypoint.type must be 'service-bundle', got '" + type + "'");
        }
        Map<String, String> services = stringMap(m.get("services"), "entrypoint.services");
        if ("service-bundle".equals(type) && services.isEmpty()) {
            problem(n, "entrypoint.type service-bundle needs at least one entry in entrypoint.services");
        }
        String command = scalar(m.get("command"), "entrypoint.command");
        String fragment = scalar(m.get("shell-fragment"), "entrypoint.shell-fragment");
        if (command != null && fragment != null) {
            problem(n, "entrypoint has both command and shell-fragment; give one");
        }
        return new Entrypoint(type, command, fragment, services);
    }

    private Accounts accounts(Node n) {
        if (n == null) {
            return null;
        }
        Map<String, Node> m = mapping(n, "accounts", Set.of("users", "groups", "run-as"));
        List<User> users = list(m.get("users"), "accounts.users", u -> {
            Map<String, Node> um =
                    mapping(u, "accounts.users entry", Set.of("username", "uid", "gid", "shell", "homedir"));
            String name = required(u, um, "username", "accounts.users");
            Long uid = number(um.get("uid"), "accounts.users uid");
            if (uid == null) {
                problem(u, "accounts.users entry '" + name + "' needs a uid");
            }
            return new User(
                    name,
                    uid == null ? 0 : uid,
                    number(um.get("gid"), "accounts.users gid"),
                    scalar(um.get("shell"), "accounts.users shell"),
                    scalar(um.get("homedir"), "accounts.users homedir"));
        });
        List<Group> groups = list(m.get("groups"), "accounts.groups", g -> {
            Map<String, Node> gm = mapping(g, "accounts.groups entry", Set.of("groupname", "gid", "members"));
            String name = required(g, gm, "groupname", "accounts.groups");
            Long gid = number(gm.get("gid"), "accounts.groups gid");
            if (gid == null) {
                problem(g, "accounts.groups entry '" + name + "' needs a gid");
            }
            return new Group(name, gid == null ? 0 : gid, strings(gm.get("members"), "accounts.groups members"));
        });
        return new Accounts(users, groups, scalar(m.get("run-as"), "accounts.run-as"));
    }

    private PathEntry pathEntry(Node n) {
        Map<String, Node> m =
                mapping(n, "paths entry", Set.of("path", "type", "uid", "gid", "permissions", "source", "recursive"));
        String path = required(n, m, "path", "paths");
        String typeText = required(n, m, "type", "paths");
        PathType type = null;
        if (typeText != null) {
            try {
                type = PathType.valueOf(typeText.toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                problem(
                        m.get("type"),
                        "paths type must be one of directory, empty-file, hardlink, symlink, permissions;" + " got '"
                                + typeText + "'");
            }
        }
        if (path != null && !path.startsWith("/")) {
            problem(m.get("path"), "paths path '" + path + "' must be absolute");
        }
        String source = scalar(m.get("source"), "paths source");
        if ((type == PathType.HARDLINK || type == PathType.SYMLINK) && source == null) {
            problem(n, "paths entry " + path + " of type " + typeText + " needs a source");
        }
        Long uid = number(m.get("uid"), "paths uid");
        Long gid = number(m.get("gid"), "paths gid");
        return new PathEntry(
                path,
                type,
                uid == null ? 0 : uid,
                gid == null ? 0 : gid,
                permissions(m.get("permissions")),
                source,
                bool(m.get("recursive"), "paths recursive"));
    }

    private Integer permissions(Node n) {
        String text = scalar(n, "paths permissions");
        if (text == null) {
            return null;
        }
        try {
            int value;
            if (text.startsWith("0o") || text.startsWith("0O")) {
                value = Integer.parseInt(text.substring(2), 8);
            } else if (text.length() > 1 && text.startsWith("0")) {
                value = Integer.parseInt(text.substring(1), 8);
            } else {
                value = Integer.parseInt(text);
            }
            if (value < 0 || value > 07777) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            problem(n, "paths permissions must be an octal mode such as 0o755, got '" + text + "'");
            return null;
        }
    }

    private String arch(Node n) {
        String text = scalar(n, "archs");
        if (text == null) {
            return null;
        }
        try {
            return Platform.parse(text).apkArch();
        } catch (OciException e) {
            problem(n, e.getMessage());
            return null;
        }
    }

    private Layering layering(Node n) {
        if (n == null) {
            return null;
        }
        Map<String, Node> m = mapping(n, "layering", Set.of("strategy", "budget"));
        String strategy = scalar(m.get("strategy"), "layering.strategy");
        if (strategy != null && !strategy.equals("origin")) {
            problem(m.get("strategy"), "layering.strategy must be 'origin', got '" + strategy + "'");
        }
        Long budget = number(m.get("budget"), "layering.budget");
        if (budget != null && (budget < 1 || budget > 126)) {
            problem(m.get("budget"), "layering.budget must be between 1 and 126, got " + budget);
        }
        return new Layering(strategy == null ? "origin" : strategy, budget == null ? 10 : budget.intValue());
    }

    private String format(Node n) {
        String f = scalar(n, "format");
        if (f != null && !f.equals("tar")) {
            problem(n, "format must be 'tar' (erofs is not supported), got '" + f + "'");
        }
        return f;
    }

    private Certificates certificates(Node n) {
        if (n == null) {
            return null;
        }
        Map<String, Node> m = mapping(n, "certificates", Set.of("additional", "providers"));
        return new Certificates(
                list(m.get("additional"), "certificates.additional", x -> named(x, "certificates.additional")),
                strings(m.get("providers"), "certificates.providers"));
    }

    // ---- node helpers ----

    private Map<String, Node> mapping(Node n, String what, Set<String> allowed) {
        Map<String, Node> out = new LinkedHashMap<>();
        if (!(n instanceof MappingNode mn)) {
            problem(n, what + " must be a mapping, found " + kind(n));
            return out;
        }
        for (NodeTuple t : mn.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                problem(t.getKeyNode(), what + ": keys must be plain strings");
                continue;
            }
            if (!allowed.contains(k.getValue())) {
                problem(
                        k,
                        "unknown key '" + k.getValue() + "' in " + what + "; expected one of "
                                + allowed.stream().sorted().toList());
            } else if (out.put(k.getValue(), t.getValueNode()) != null) {
                problem(k, "key '" + k.getValue() + "' appears twice in " + what);
            }
        }
        return out;
    }

    private String required(Node parent, Map<String, Node> m, String key, String what) {
        String v = scalar(m.get(key), what + " " + key);
        if (v == null || v.isEmpty()) {
            problem(parent, what + " entry needs '" + key + "'");
        }
        return v;
    }

    private String scalar(Node n, String what) {
        if (n == null) {
            return null;
        }
        if (n instanceof ScalarNode s) {
            return s.getTag().getValue().endsWith(":null") ? null : s.getValue();
        }
        problem(n, what + " must be a scalar, found " + kind(n));
        return null;
    }

    private Long number(Node n, String what) {
        String s = scalar(n, what);
        if (s == null) {
            return null;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            problem(n, what + " must be an integer, got '" + s + "'");
            return null;
        }
    }

    private boolean bool(Node n, String what) {
        String s = scalar(n, what);
        if (s == null) {
            return false;
        }
        if (!s.equals("true") && !s.equals("false")) {
            problem(n, what + " must be true or false, got '" + s + "'");
        }
        return s.equals("true");
    }

    private List<String> strings(Node n, String what) {
        return list(n, what, x -> scalar(x, what));
    }

    private <T> List<T> list(Node n, String what, Function<Node, T> item) {
        List<T> out = new ArrayList<>();
        if (n == null || (n instanceof ScalarNode s && s.getTag().getValue().endsWith(":null"))) {
            return out;
        }
        if (!(n instanceof SequenceNode seq)) {
            problem(n, what + " must be a list, found " + kind(n));
            return out;
        }
        for (Node x : seq.getValue()) {
            T v = item.apply(x);
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    private Map<String, String> stringMap(Node n, String what) {
        Map<String, String> out = new LinkedHashMap<>();
        if (n == null) {
            return out;
        }
        if (!(n instanceof MappingNode mn)) {
            problem(n, what + " must be a mapping, found " + kind(n));
            return out;
        }
        Set<String> seen = new HashSet<>();
        for (NodeTuple t : mn.getValue()) {
            String k = scalar(t.getKeyNode(), what + " key");
            String v = scalar(t.getValueNode(), what + " value");
            if (k != null && !seen.add(k)) {
                problem(t.getKeyNode(), "key '" + k + "' appears twice in " + what);
            }
            if (k != null) {
                out.put(k, v == null ? "" : v);
            }
        }
        return out;
    }

    private static String kind(Node n) {
        return n instanceof MappingNode ? "a mapping" : n instanceof SequenceNode ? "a list" : "a scalar";
    }
}
