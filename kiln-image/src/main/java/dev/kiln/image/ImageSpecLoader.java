package dev.kiln.image;

import dev.kiln.apk.ApkException;
import dev.kiln.apk.Dependency;
import dev.kiln.content.yaml.YamlNode;
import dev.kiln.content.yaml.YamlReader;
import dev.kiln.content.yaml.YamlSyntaxException;
import dev.kiln.content.yaml.YamlTree;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Loads apko image configurations strictly: an unknown key, a wrong type or a bad value is an
 * error at {@code file:line:col}, and every problem of a file is reported at once. YAML merge keys
 * ({@code <<: *anchor}) are resolved first, as apko's YAML library does; {@code include} is resolved
 * and merged (the including file wins); {@code archs} are normalised to APK names.
 */
public final class ImageSpecLoader {
    private static final int MAX_INCLUDE_DEPTH = 8;
    /** What apko refuses beside {@code contents.baseimage} (layering too: apko cannot layer on a base). */
    private static final List<String> ON_BASE_IMAGE_REFUSED = List.of(
            "entrypoint",
            "cmd",
            "stop-signal",
            "work-dir",
            "accounts",
            "environment",
            "paths",
            "annotations",
            "layering");
    /** apko's rule for certificate and runtime key names, which become file names in the image. */
    private static final Pattern ENTRY_NAME = Pattern.compile("[a-zA-Z0-9_-]+[a-zA-Z0-9_.-]*");

    private final YamlReader reader;

    private ImageSpecLoader(Path file) {
        this.reader = new YamlReader(file.toString(), "the image config");
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
        YamlNode root;
        try {
            root = YamlTree.compose(file.toString(), text);
        } catch (YamlSyntaxException e) {
            throw new ImageException("image config " + e.problem(), e);
        }
        if (root == null) {
            throw new ImageException("image config " + file + " is empty");
        }
        @Nullable String[] include = new String[1];
        ImageSpec spec = loader.spec(root, include);
        if (!loader.reader.problems().isEmpty()) {
            throw new ImageException(String.join(
                    "\n",
                    loader.reader.problems().stream()
                            .map(p -> "image config " + p)
                            .toList()));
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
        // a file that was read has a directory: only the root itself has no parent
        Path dir = Objects.requireNonNull(
                config.toAbsolutePath().getParent(), () -> "image config " + config + " has no parent directory");
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

    private void problem(@Nullable YamlNode n, String message) {
        reader.error(n, message);
    }

    private ImageSpec spec(YamlNode root, @Nullable String[] include) {
        Map<String, YamlNode> m = mapping(
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
        Contents contents = contents(m.get("contents"));
        if (contents.baseImage() != null) {
            for (String key : ON_BASE_IMAGE_REFUSED) {
                if (m.containsKey(key)) {
                    problem(
                            m.get(key),
                            "'" + key + "' cannot be used with contents.baseimage (as in apko, an image on a base"
                                    + " may set only contents, archs and include; the base's settings are kept)");
                }
            }
        }
        return new ImageSpec(
                contents,
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

    private Contents contents(@Nullable YamlNode n) {
        if (YamlNode.isNull(n)) {
            return Contents.EMPTY;
        }
        Map<String, YamlNode> m = mapping(
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
            Map<String, YamlNode> b = mapping(m.get("baseimage"), "contents.baseimage", Set.of("image", "apkindex"));
            base = new BaseImage(
                    required(m.get("baseimage"), b, "image", "contents.baseimage"),
                    required(m.get("baseimage"), b, "apkindex", "contents.baseimage"));
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

    private @Nullable String packageAtom(YamlNode n) {
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

    private NamedContent named(YamlNode n, String what) {
        Map<String, YamlNode> m = mapping(n, what + " entry", Set.of("name", "content"));
        String name = required(n, m, "name", what);
        String content = required(n, m, "content", what);
        if (name != null && !name.isEmpty() && !ENTRY_NAME.matcher(name).matches()) {
            problem(
                    m.get("name"),
                    what + " name '" + name + "' must be a plain file name matching " + ENTRY_NAME.pattern());
        }
        return new NamedContent(name, content);
    }

    private Entrypoint entrypoint(@Nullable YamlNode n) {
        if (YamlNode.isNull(n)) {
            return Entrypoint.NONE;
        }
        Map<String, YamlNode> m = mapping(n, "entrypoint", Set.of("type", "command", "shell-fragment", "services"));
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

    private Accounts accounts(@Nullable YamlNode n) {
        if (YamlNode.isNull(n)) {
            return Accounts.NONE;
        }
        Map<String, YamlNode> m = mapping(n, "accounts", Set.of("users", "groups", "run-as"));
        List<User> users = list(m.get("users"), "accounts.users", u -> {
            Map<String, YamlNode> um =
                    mapping(u, "accounts.users entry", Set.of("username", "uid", "gid", "shell", "homedir"));
            String name = required(u, um, "username", "accounts.users");
            Long uid = number(um.get("uid"), "accounts.users uid");
            if (uid == null) {
                problem(u, "accounts.users entry '" + name + "' needs a uid");
            } else if (uid == 0) {
                // apko refuses a second root account: root comes from the base layout, running as root is run-as
                problem(
                        um.get("uid"),
                        "accounts.users entry '" + name + "' has uid 0; to run as root, set 'accounts.run-as: 0'"
                                + " instead of adding a user");
            }
            return new User(
                    name,
                    uid == null ? 0 : uid,
                    number(um.get("gid"), "accounts.users gid"),
                    scalar(um.get("shell"), "accounts.users shell"),
                    scalar(um.get("homedir"), "accounts.users homedir"));
        });
        List<Group> groups = list(m.get("groups"), "accounts.groups", g -> {
            Map<String, YamlNode> gm = mapping(g, "accounts.groups entry", Set.of("groupname", "gid", "members"));
            String name = required(g, gm, "groupname", "accounts.groups");
            Long gid = number(gm.get("gid"), "accounts.groups gid");
            if (gid == null) {
                problem(g, "accounts.groups entry '" + name + "' needs a gid");
            }
            return new Group(name, gid == null ? 0 : gid, strings(gm.get("members"), "accounts.groups members"));
        });
        return new Accounts(users, groups, scalar(m.get("run-as"), "accounts.run-as"));
    }

    private @Nullable PathEntry pathEntry(YamlNode n) {
        Map<String, YamlNode> m =
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
        Integer permissions = permissions(m.get("permissions"));
        boolean recursive = bool(m.get("recursive"), "paths recursive");
        if (type == null) {
            // the missing or unknown type is a problem already, and a config with problems yields no spec
            return null;
        }
        return new PathEntry(path, type, uid == null ? 0 : uid, gid == null ? 0 : gid, permissions, source, recursive);
    }

    private @Nullable Integer permissions(@Nullable YamlNode n) {
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

    private @Nullable String arch(YamlNode n) {
        String text = scalar(n, "archs");
        if (text == null) {
            return null;
        }
        try {
            return Platform.parse(text).apkArch();
        } catch (OciException e) {
            problem(n, String.valueOf(e.getMessage()));
            return null;
        }
    }

    private @Nullable Layering layering(@Nullable YamlNode n) {
        if (YamlNode.isNull(n)) {
            return null;
        }
        Map<String, YamlNode> m = mapping(n, "layering", Set.of("strategy", "budget"));
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

    private @Nullable String format(@Nullable YamlNode n) {
        String f = scalar(n, "format");
        if (f != null && !f.equals("tar")) {
            problem(n, "format must be 'tar' (erofs is not supported), got '" + f + "'");
        }
        return f;
    }

    private Certificates certificates(@Nullable YamlNode n) {
        if (YamlNode.isNull(n)) {
            return Certificates.NONE;
        }
        Map<String, YamlNode> m = mapping(n, "certificates", Set.of("additional", "providers"));
        return new Certificates(
                list(m.get("additional"), "certificates.additional", x -> named(x, "certificates.additional")),
                strings(m.get("providers"), "certificates.providers"));
    }

    // ---- the shared strict reader, with this loader's names for the places it reads ----

    private Map<String, YamlNode> mapping(@Nullable YamlNode n, String what, Set<String> allowed) {
        return reader.mapping(n, what, allowed);
    }

    /** The value, or "" when it is missing: a problem is recorded then, and a config with problems yields no spec. */
    private String required(YamlNode parent, Map<String, YamlNode> m, String key, String what) {
        String v = scalar(m.get(key), what + " " + key);
        if (v == null || v.isEmpty()) {
            problem(parent, what + " entry needs '" + key + "'");
            return "";
        }
        return v;
    }

    private @Nullable String scalar(@Nullable YamlNode n, String what) {
        return reader.string(n, what);
    }

    private @Nullable Long number(@Nullable YamlNode n, String what) {
        return reader.integer(n, what);
    }

    private boolean bool(@Nullable YamlNode n, String what) {
        return reader.bool(n, what, false);
    }

    private List<String> strings(@Nullable YamlNode n, String what) {
        return reader.strings(n, what);
    }

    /** The items {@code item} makes; it returns null for an item whose problem it recorded. */
    private <T> List<T> list(@Nullable YamlNode n, String what, Function<YamlNode, @Nullable T> item) {
        List<T> out = new ArrayList<>();
        for (YamlNode x : reader.sequence(n, what)) {
            T v = item.apply(x);
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    private Map<String, String> stringMap(@Nullable YamlNode n, String what) {
        return reader.stringMap(n, what);
    }
}
