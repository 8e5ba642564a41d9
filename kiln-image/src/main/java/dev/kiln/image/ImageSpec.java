package dev.kiln.image;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * An apko-compatible image configuration (images.md §1), as loaded by {@link ImageSpecLoader}.
 * Lists are never null; absent optional scalars are null. {@code archs} holds APK names.
 */
public record ImageSpec(
        Contents contents,
        Entrypoint entrypoint,
        @Nullable String cmd,
        @Nullable String workDir,
        @Nullable String stopSignal,
        Accounts accounts,
        Map<String, String> environment,
        List<PathEntry> paths,
        List<String> archs,
        Map<String, String> annotations,
        List<String> volumes,
        @Nullable Layering layering,
        @Nullable String vcsUrl,
        @Nullable String format,
        Certificates certificates) {

    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/bin:/usr/sbin:/sbin:/bin";
    public static final String DEFAULT_SSL_CERT_FILE = "/etc/ssl/certs/ca-certificates.crt";

    public ImageSpec {
        contents = contents == null ? Contents.EMPTY : contents;
        entrypoint = entrypoint == null ? Entrypoint.NONE : entrypoint;
        accounts = accounts == null ? Accounts.NONE : accounts;
        environment = environment == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        paths = list(paths);
        archs = list(archs);
        annotations = annotations == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(annotations));
        volumes = list(volumes);
        certificates = certificates == null ? Certificates.NONE : certificates;
    }

    /** A PEM blob with a file name (runtime keys, additional certificates). */
    public record NamedContent(String name, String content) {}

    public record BaseImage(String image, String apkindex) {}

    public record Contents(
            List<String> repositories,
            List<String> buildRepositories,
            List<String> runtimeRepositories,
            List<String> keyring,
            List<NamedContent> runtimeKeyring,
            List<String> packages,
            @Nullable BaseImage baseImage) {
        static final Contents EMPTY =
                new Contents(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), null);

        public Contents {
            repositories = list(repositories);
            buildRepositories = list(buildRepositories);
            runtimeRepositories = list(runtimeRepositories);
            keyring = list(keyring);
            runtimeKeyring = list(runtimeKeyring);
            packages = list(packages);
        }
    }

    /** {@code type} is null or {@code service-bundle}; {@code services} maps a service name to its command. */
    public record Entrypoint(
            @Nullable String type,
            @Nullable String command,
            @Nullable String shellFragment,
            Map<String, String> services) {
        static final Entrypoint NONE = new Entrypoint(null, null, null, Map.of());

        public static final String SERVICE_BUNDLE = "service-bundle";

        public Entrypoint {
            services = services == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(services));
        }

        // not isServiceBundle: etc/apko.json is this record through Jackson, which would list an is-getter
        public boolean usesServiceBundle() {
            return SERVICE_BUNDLE.equals(type);
        }
    }

    public record User(
            String username,
            long uid,
            @Nullable Long gid,
            @Nullable String shell,
            @Nullable String homedir) {
        public long effectiveGid() {
            return gid == null ? uid : gid;
        }

        public String effectiveShell() {
            return shell == null ? "/bin/sh" : shell;
        }

        public String effectiveHome() {
            return homedir == null ? "/home/" + username : homedir;
        }
    }

    public record Group(String groupname, long gid, List<String> members) {
        public Group {
            members = list(members);
        }
    }

    public record Accounts(
            List<User> users, List<Group> groups, @Nullable String runAs) {
        static final Accounts NONE = new Accounts(List.of(), List.of(), null);

        public Accounts {
            users = list(users);
            groups = list(groups);
        }
    }

    public enum PathType {
        DIRECTORY,
        EMPTY_FILE,
        HARDLINK,
        SYMLINK,
        PERMISSIONS
    }

    /** An entry of the image's {@code paths:} list; {@code permissions} is null when not given. */
    public record PathEntry(
            String path,
            PathType type,
            long uid,
            long gid,
            @Nullable Integer permissions,
            @Nullable String source,
            boolean recursive) {}

    public record Layering(String strategy, int budget) {}

    public record Certificates(List<NamedContent> additional, List<String> providers) {
        static final Certificates NONE = new Certificates(List.of(), List.of());

        public Certificates {
            additional = list(additional);
            providers = list(providers);
        }
    }

    /** The OCI {@code Env}: the environment plus apko's PATH and SSL_CERT_FILE defaults, sorted. */
    public List<String> effectiveEnv() {
        Map<String, String> env = new TreeMap<>(environment);
        env.putIfAbsent("PATH", DEFAULT_PATH);
        env.putIfAbsent("SSL_CERT_FILE", DEFAULT_SSL_CERT_FILE);
        return env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }

    /**
     * apko's include semantics: this (the including file) over {@code base}: scalars and maps
     * override, lists append without duplicates.
     */
    public ImageSpec over(ImageSpec base) {
        Contents c = contents;
        Contents b = base.contents;
        Contents mergedContents = new Contents(
                union(b.repositories(), c.repositories()),
                union(b.buildRepositories(), c.buildRepositories()),
                union(b.runtimeRepositories(), c.runtimeRepositories()),
                union(b.keyring(), c.keyring()),
                union(b.runtimeKeyring(), c.runtimeKeyring()),
                union(b.packages(), c.packages()),
                c.baseImage() != null ? c.baseImage() : b.baseImage());
        Entrypoint e = entrypoint.equals(Entrypoint.NONE) ? base.entrypoint : entrypoint;
        Accounts a = new Accounts(
                union(base.accounts.users(), accounts.users()),
                union(base.accounts.groups(), accounts.groups()),
                accounts.runAs() != null ? accounts.runAs() : base.accounts.runAs());
        Map<String, String> env = new LinkedHashMap<>(base.environment);
        env.putAll(environment);
        Map<String, String> ann = new TreeMap<>(base.annotations);
        ann.putAll(annotations);
        Certificates certs = new Certificates(
                union(base.certificates.additional(), certificates.additional()),
                union(base.certificates.providers(), certificates.providers()));
        return new ImageSpec(
                mergedContents,
                e,
                or(cmd, base.cmd),
                or(workDir, base.workDir),
                or(stopSignal, base.stopSignal),
                a,
                env,
                union(base.paths, paths),
                archs.isEmpty() ? base.archs : archs,
                ann,
                union(base.volumes, volumes),
                layering != null ? layering : base.layering,
                or(vcsUrl, base.vcsUrl),
                or(format, base.format),
                certs);
    }

    private static <T> @Nullable T or(@Nullable T a, @Nullable T b) {
        return a != null ? a : b;
    }

    private static <T> List<T> union(List<T> a, List<T> b) {
        LinkedHashSet<T> s = new LinkedHashSet<>(a);
        s.addAll(b);
        return new ArrayList<>(s);
    }

    private static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : List.copyOf(l);
    }
}
