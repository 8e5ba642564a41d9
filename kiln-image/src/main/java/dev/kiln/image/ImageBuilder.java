package dev.kiln.image;

import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.kiln.apk.ApkException;
import dev.kiln.apk.ApkPackage;
import dev.kiln.apk.Dependency;
import dev.kiln.apk.FileNode;
import dev.kiln.apk.FileTree;
import dev.kiln.apk.Installer;
import dev.kiln.apk.LocalRepositories;
import dev.kiln.apk.RepositoryPackage;
import dev.kiln.apk.ResolveException;
import dev.kiln.apk.Resolver;
import dev.kiln.apk.TrustedKeys;
import dev.kiln.image.internal.AccountFiles;
import dev.kiln.image.internal.BaseImageInput;
import dev.kiln.image.internal.CertificateStores;
import dev.kiln.image.internal.OriginLayers;
import dev.kiln.image.internal.PathMutations;
import dev.kiln.image.internal.Shlex;
import dev.kiln.oci.ImageConfig;
import dev.kiln.oci.Manifest;
import dev.kiln.oci.OciImage;
import dev.kiln.oci.OciImageSet;
import dev.kiln.oci.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Assembles images from a config (images.md §2): resolve, install without scripts, accounts, paths,
 * apk metadata, layers, OCI config, manifest, index. Output depends only on the config, the package
 * bytes and {@code sourceDateEpoch}; the injected clock only measures the build.
 */
public final class ImageBuilder {
    public static final String AUTHOR = "kiln";
    private static final String S6 = "s6";
    private static final ObjectMapper SPEC_JSON = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private final Clock clock;
    private final int gzipLevel;

    public ImageBuilder(Clock clock) {
        this(clock, dev.kiln.content.Gzip.DEFAULT_LEVEL);
    }

    public ImageBuilder(Clock clock, int gzipLevel) {
        this.clock = clock;
        this.gzipLevel = gzipLevel;
    }

    /** Resolves every architecture without installing anything: the exact packages a build would use. */
    public ImageLock lock(ImageSpec spec, ImageBuildOptions options, String configName, byte[] configBytes) {
        try {
            return lockResolved(spec, options, configName, configBytes);
        } catch (ApkException e) {
            throw new ImageException(e.getMessage(), e);
        }
    }

    private ImageLock lockResolved(ImageSpec spec, ImageBuildOptions options, String configName, byte[] configBytes) {
        if (spec.contents().baseImage() != null) {
            throw new ImageException("a lock of an image on contents.baseimage is not supported yet: the lock format"
                    + " does not record the base's packages");
        }
        Setup setup = setup(spec, options, new ArrayList<>());
        List<ImageLock.Locked> locked = new ArrayList<>();
        resolvedPerArch(spec, setup)
                .forEach((arch, packages) -> packages.forEach(p -> locked.add(new ImageLock.Locked(
                        p.name(),
                        p.version(),
                        arch,
                        p.entry().checksum(),
                        p.repository() + "/" + arch + "/" + p.fileName()))));
        return new ImageLock(
                configName, ImageLock.checksumOf(configBytes), spec.contents().keyring(), setup.resolveFrom, locked);
    }

    /**
     * The packages each architecture of the image would install (its own, not a base image's), resolved without
     * installing anything.
     */
    public Map<String, List<RepositoryPackage>> resolvedPackages(ImageSpec spec, ImageBuildOptions options) {
        try {
            return resolvedPerArch(spec, setup(spec, options, new ArrayList<>()));
        } catch (ApkException e) {
            throw new ImageException(e.getMessage(), e);
        }
    }

    private static Map<String, List<RepositoryPackage>> resolvedPerArch(ImageSpec spec, Setup setup) {
        Map<String, List<RepositoryPackage>> out = new TreeMap<>();
        for (String arch : setup.archs) {
            out.put(arch, resolve(setup.repos, setup.resolveFrom, arch, world(spec)));
        }
        return out;
    }

    /** A fresh resolution of {@code world} against the repositories, failing as kiln-image does. */
    private static List<RepositoryPackage> resolve(
            LocalRepositories repos, List<String> resolveFrom, String arch, List<String> world) {
        List<RepositoryPackage> candidates = repos.packages(resolveFrom, arch);
        requireS6(world, candidates, resolveFrom, arch);
        try {
            return new Resolver(candidates, arch, resolveFrom).resolve(world);
        } catch (ResolveException e) {
            throw new ImageException(e.getMessage(), e);
        }
    }

    /**
     * The packages asked for: {@code contents.packages}, plus {@code s6} for a service bundle, whose
     * entrypoint {@code /bin/s6-svscan /sv} it provides (apko adds it the same way).
     */
    static List<String> world(ImageSpec spec) {
        List<String> world = new ArrayList<>(spec.contents().packages());
        if (spec.entrypoint().usesServiceBundle()
                && world.stream().noneMatch(a -> Dependency.parse(a).name().equals(S6))) {
            world.add(S6);
        }
        return List.copyOf(world);
    }

    /** A service bundle without s6 would start nothing: say so before resolving, with what to do. */
    private static void requireS6(
            List<String> world, List<RepositoryPackage> candidates, List<String> resolveFrom, String arch) {
        if (!world.contains(S6)) {
            return;
        }
        boolean available = candidates.stream()
                .anyMatch(p -> p.name().equals(S6)
                        || p.entry().provides().stream()
                                .anyMatch(a -> Dependency.parse(a).name().equals(S6)));
        if (!available) {
            throw new ImageException("entrypoint.type service-bundle needs the s6 package (the entrypoint is"
                    + " /bin/s6-svscan /sv), but no configured repository has s6 for " + arch + " (searched "
                    + resolveFrom + "); build s6 into one of them or add a repository that provides it");
        }
    }

    private record Setup(List<String> archs, LocalRepositories repos, List<String> resolveFrom, List<Path> keyFiles) {}

    /**
     * Resolves, installs and layers every architecture. Repository, package and installation problems
     * (reported by kiln-apk) come out as {@link ImageException}s, as every other problem of an image.
     */
    public ImageBuild build(ImageSpec spec, ImageBuildOptions options) {
        try {
            return buildResolved(spec, options);
        } catch (ApkException e) {
            throw new ImageException(e.getMessage(), e);
        }
    }

    private ImageBuild buildResolved(ImageSpec spec, ImageBuildOptions options) {
        Instant start = clock.instant();
        List<String> warnings = new ArrayList<>();
        Setup setup = setup(spec, options, warnings);
        List<ArchImage> built = new ArrayList<>();
        for (String arch : setup.archs) {
            built.add(buildArch(spec, options, arch, setup.repos, setup.resolveFrom, setup.keyFiles));
        }
        Map<String, String> annotations = annotations(spec, ImageBuild.created(built));
        OciImageSet set = OciImageSet.of(built.stream().map(ArchImage::image).toList(), annotations);
        return new ImageBuild(spec, set, built, warnings, Duration.between(start, clock.instant()));
    }

    private Setup setup(ImageSpec spec, ImageBuildOptions options, List<String> warnings) {
        List<String> archs = options.archs().isEmpty()
                ? spec.archs()
                : options.archs().stream().map(a -> Platform.parse(a).apkArch()).toList();
        if (archs.isEmpty()) {
            archs = List.of("x86_64");
        }
        List<Path> keyFiles = new ArrayList<>(options.keyring());
        for (String k : spec.contents().keyring()) {
            if (k.startsWith("http://") || k.startsWith("https://")) {
                warnings.add("keyring " + k + " is remote and was not fetched; pass --keyring");
            } else {
                keyFiles.add(options.baseDir().resolve(k));
            }
        }
        TrustedKeys keys = TrustedKeys.load(keyFiles);
        if (keys.isEmpty()) {
            throw new ImageException("no trusted keys: give contents.keyring paths or --keyring, so that repository"
                    + " indexes and packages can be verified");
        }
        LocalRepositories repos = new LocalRepositories(options.baseDir(), keys);
        List<String> resolveFrom = new ArrayList<>(spec.contents().buildRepositories());
        resolveFrom.addAll(spec.contents().repositories());
        resolveFrom.addAll(options.extraRepositories());
        List<String> remote = resolveFrom.stream()
                .filter(r -> r.contains("://") && !r.startsWith("file:"))
                .toList();
        if (!remote.isEmpty()) {
            warnings.add("remote repositories skipped: " + remote);
            resolveFrom.removeAll(remote);
        }
        if (resolveFrom.isEmpty()) {
            throw new ImageException("no local repository to resolve from; pass --repository DIR");
        }
        return new Setup(archs.stream().distinct().sorted().toList(), repos, resolveFrom, keyFiles);
    }

    private ArchImage buildArch(
            ImageSpec spec,
            ImageBuildOptions options,
            String arch,
            LocalRepositories repos,
            List<String> resolveFrom,
            List<Path> keyFiles) {
        BaseImageInput base = spec.contents().baseImage() == null
                ? null
                : BaseImageInput.load(options.baseDir(), spec.contents().baseImage(), arch);
        List<RepositoryPackage> resolved;
        if (base != null) {
            if (options.lock() != null) {
                throw new ImageException("a lock file cannot be used with contents.baseimage yet: the lock does not"
                        + " record the base's packages; build without --lockfile");
            }
            resolved = resolveOnBase(repos, resolveFrom, arch, world(spec), base);
        } else if (options.lock() == null) {
            resolved = resolve(repos, resolveFrom, arch, world(spec));
        } else {
            resolved = LockedPackages.resolve(
                    options.lock(), world(spec), () -> repos.packages(resolveFrom, arch), arch, resolveFrom);
        }
        List<ApkPackage> apks = resolved.stream().map(p -> repos.fetch(p, arch)).toList();
        long epoch = buildTime(options.sourceDateEpoch(), apks);
        if (base != null && options.sourceDateEpoch() == null) {
            epoch = Math.max(epoch, base.newestBuildTime());
        }

        FileTree tree = base == null ? new FileTree() : base.workingTree();
        List<String> world = new ArrayList<>(world(spec));
        if (base != null) {
            world.addAll(base.pins());
        }
        writeApkMetadata(tree, spec, world, arch, keyFiles, epoch);
        Installer installer = new Installer(tree, epoch);
        for (int i = 0; i < resolved.size(); i++) {
            installer.install(resolved.get(i), apks.get(i));
        }
        AccountFiles.apply(tree, spec.accounts(), epoch);
        tree.mkdirs("etc", 0755, 0, 0, epoch);
        tree.put(FileNode.file("etc/apko.json", specJson(spec), 0444, 0, 0, epoch));
        PathMutations.apply(tree, spec.paths(), epoch);
        CertificateStores.apply(tree, spec.certificates(), installer.installed(), epoch);
        addServices(tree, spec, epoch);
        requireServicePrograms(tree, spec, arch);
        installer.writeDatabase();
        if (base != null) {
            String db = Installer.databasePath(tree);
            FileNode written = tree.get(db).orElseThrow();
            String added = new String(written.content(), StandardCharsets.UTF_8);
            tree.put(FileNode.file(
                    db, base.database(added).getBytes(StandardCharsets.UTF_8), written.mode(), 0, 0, epoch));
        }

        Map<Long, String> users = AccountFiles.names(tree, "etc/passwd");
        Map<Long, String> groups = AccountFiles.names(tree, "etc/group");
        List<OriginLayers.Plan> plans;
        if (base != null) {
            plans = List.of(new OriginLayers.Plan(null, base.changes(tree)));
        } else if (spec.layering() == null) {
            plans = List.of(new OriginLayers.Plan(null, List.copyOf(tree.entries())));
        } else {
            plans = OriginLayers.split(
                    tree, installer.installed(), spec.layering().budget(), epoch);
        }
        LayerWriter writer = new LayerWriter(gzipLevel);
        List<Layer> layers =
                plans.stream().map(p -> writer.write(p.nodes(), users, groups)).toList();

        Platform platform = Platform.fromApkArch(arch);
        String createdText = rfc3339(epoch);
        Map<String, String> labels = new TreeMap<>(spec.annotations());
        labels.putAll(vcsAnnotations(spec));
        String title = spec.annotations().get("org.opencontainers.image.title");
        String vendor = spec.annotations().get("org.opencontainers.image.vendor");
        String comment =
                title != null && vendor != null ? title + " by " + vendor : "This is a kiln single-layer image";
        List<ImageConfig.History> history = new ArrayList<>();
        List<Layer> allLayers = new ArrayList<>();
        ImageConfig.Runtime runtime = runtime(spec, labels);
        if (base != null) {
            ImageConfig baseConfig = base.config();
            history.addAll(baseConfig.history());
            for (int i = 0; i < base.image().layers().size(); i++) {
                allLayers.add(new Layer(
                        base.image().layers().get(i), baseConfig.diffIds().get(i)));
            }
            runtime = onTopOf(baseConfig.config(), runtime);
        }
        allLayers.addAll(layers);
        plans.forEach(p -> history.add(new ImageConfig.History(
                createdText, AUTHOR, AUTHOR, p.comment() == null ? comment : p.comment(), false)));
        ImageConfig config = new ImageConfig(
                createdText,
                AUTHOR,
                platform.architecture(),
                platform.os(),
                platform.variant(),
                runtime,
                allLayers.stream().map(Layer::diffId).toList(),
                history);
        Manifest manifest = Manifest.of(
                config.descriptor(),
                allLayers.stream().map(l -> l.blob().descriptor()).toList(),
                annotations(spec, epoch));
        OciImage image = OciImage.of(
                manifest, config, allLayers.stream().map(Layer::blob).toList());
        return new ArchImage(arch, platform, installer.installed(), tree, allLayers, image, epoch);
    }

    /**
     * Resolution on a base image: the base's packages are candidates pinned at their versions, and
     * those the base has are not installed again (apko's {@code ResolveWithBase}).
     */
    private static List<RepositoryPackage> resolveOnBase(
            LocalRepositories repos, List<String> resolveFrom, String arch, List<String> world, BaseImageInput base) {
        List<RepositoryPackage> candidates = new ArrayList<>(repos.packages(resolveFrom, arch));
        candidates.addAll(base.candidates(resolveFrom.size()));
        requireS6(world, candidates, resolveFrom, arch);
        List<String> all = new ArrayList<>(world);
        all.addAll(base.pins());
        List<String> searched = new ArrayList<>(resolveFrom);
        searched.add(BaseImageInput.REPOSITORY);
        try {
            return new Resolver(candidates, arch, searched)
                    .resolve(all).stream()
                            .filter(p -> !base.names().contains(p.name()))
                            .toList();
        } catch (ResolveException e) {
            throw new ImageException(e.getMessage(), e);
        }
    }

    /**
     * The base's runtime settings under the config's, as apko's {@code mutate.Append} on the base then
     * setting what the config gives: the environment and labels are the config's, the rest is kept
     * unless set.
     */
    private static ImageConfig.Runtime onTopOf(ImageConfig.Runtime base, ImageConfig.Runtime own) {
        return new ImageConfig.Runtime(
                own.user() != null ? own.user() : base.user(),
                base.exposedPorts(),
                own.env(),
                own.entrypoint() != null ? own.entrypoint() : base.entrypoint(),
                own.cmd() != null ? own.cmd() : base.cmd(),
                own.volumes() != null ? own.volumes() : base.volumes(),
                own.workingDir() != null ? own.workingDir() : base.workingDir(),
                own.labels(),
                own.stopSignal() != null ? own.stopSignal() : base.stopSignal());
    }

    /**
     * The image's reproducible build time, the one clock of everything the image says about itself
     * (config and history {@code created}, the created annotation, files the assembler writes, the
     * SBOMs' creation time): SOURCE_DATE_EPOCH when given, else the newest {@code builddate} among the
     * installed packages, as apko does (images.md §4). Same packages, same time, on any day.
     */
    static long buildTime(@Nullable Long sourceDateEpoch, List<ApkPackage> installed) {
        if (sourceDateEpoch != null) {
            return sourceDateEpoch;
        }
        return installed.stream().mapToLong(a -> a.pkgInfo().builddate()).max().orElse(0);
    }

    private static ImageConfig.Runtime runtime(ImageSpec spec, Map<String, String> labels) {
        List<String> entrypoint = null;
        ImageSpec.Entrypoint e = spec.entrypoint();
        if (e.command() != null) {
            entrypoint = Shlex.split(e.command(), "entrypoint.command");
        } else if (e.shellFragment() != null) {
            entrypoint = List.of("/bin/sh", "-c", e.shellFragment());
        } else if (e.usesServiceBundle()) {
            entrypoint = List.of("/bin/s6-svscan", "/sv");
        }
        List<String> cmd = spec.cmd() == null ? null : Shlex.split(spec.cmd(), "cmd");
        return new ImageConfig.Runtime(
                spec.accounts().runAs(),
                null,
                spec.effectiveEnv(),
                entrypoint,
                cmd,
                spec.volumes().isEmpty() ? null : spec.volumes(),
                spec.workDir(),
                labels,
                spec.stopSignal());
    }

    private static Map<String, String> annotations(ImageSpec spec, long created) {
        Map<String, String> a = new TreeMap<>(spec.annotations());
        a.putAll(vcsAnnotations(spec));
        a.put("org.opencontainers.image.created", rfc3339(created));
        return a;
    }

    private static Map<String, String> vcsAnnotations(ImageSpec spec) {
        Map<String, String> a = new TreeMap<>();
        if (spec.vcsUrl() != null) {
            int at = spec.vcsUrl().lastIndexOf('@');
            a.put(
                    "org.opencontainers.image.source",
                    at < 0 ? spec.vcsUrl() : spec.vcsUrl().substring(0, at));
            if (at >= 0) {
                a.put("org.opencontainers.image.revision", spec.vcsUrl().substring(at + 1));
            }
        }
        return a;
    }

    static String rfc3339(long epochSeconds) {
        return DateTimeFormatter.ISO_INSTANT.format(
                Instant.ofEpochSecond(epochSeconds).atOffset(ZoneOffset.UTC));
    }

    private static void writeApkMetadata(
            FileTree tree, ImageSpec spec, List<String> world, String arch, List<Path> keyFiles, long epoch) {
        tree.mkdirs("etc/apk/keys", 0755, 0, 0, epoch);
        tree.put(FileNode.file(
                "etc/apk/world", lines(world.stream().distinct().sorted().toList()), 0644, 0, 0, epoch));
        List<String> runtimeRepos = new ArrayList<>(spec.contents().repositories());
        runtimeRepos.addAll(spec.contents().runtimeRepositories());
        tree.put(FileNode.file("etc/apk/repositories", lines(runtimeRepos), 0644, 0, 0, epoch));
        tree.put(FileNode.file("etc/apk/arch", (arch + "\n").getBytes(StandardCharsets.UTF_8), 0644, 0, 0, epoch));
        for (Path k : keyFiles) {
            List<Path> files = new ArrayList<>();
            try {
                if (Files.isDirectory(k)) {
                    try (var s = Files.list(k)) {
                        s.filter(Files::isRegularFile).sorted().forEach(files::add);
                    }
                } else {
                    files.add(k);
                }
                for (Path f : files) {
                    tree.put(
                            FileNode.file("etc/apk/keys/" + f.getFileName(), Files.readAllBytes(f), 0644, 0, 0, epoch));
                }
            } catch (IOException e) {
                throw new ImageException("cannot read key " + k + ": " + e.getMessage(), e);
            }
        }
        for (ImageSpec.NamedContent key : spec.contents().runtimeKeyring()) {
            tree.put(FileNode.file(
                    "etc/apk/keys/" + key.name(), key.content().getBytes(StandardCharsets.UTF_8), 0644, 0, 0, epoch));
        }
    }

    /**
     * The s6 supervision tree: {@code /sv/NAME/run} per service, an execline script holding the
     * service's command, as apko writes it ({@code chainguard-dev/apko: pkg/s6/supervision_tree.go}).
     * s6-svscan and s6-supervise run as the image's user and make their state ({@code /sv/.s6-svscan},
     * {@code /sv/NAME/supervise}, {@code /sv/NAME/event}) in these directories: apko makes them 0777, Kiln
     * 0755 owned by the run-as user, so that a nonroot bundle starts and no other user can swap a run script.
     */
    private static void addServices(FileTree tree, ImageSpec spec, long epoch) {
        if (spec.entrypoint().services().isEmpty()) {
            return;
        }
        AccountFiles.Ids owner = AccountFiles.runAs(tree, spec.accounts().runAs());
        tree.mkdirs("sv", 0755, owner.uid(), owner.gid(), epoch);
        for (Map.Entry<String, String> s : spec.entrypoint().services().entrySet()) {
            String dir = "sv/" + s.getKey();
            tree.mkdirs(dir, 0755, owner.uid(), owner.gid(), epoch);
            String run = "#!/bin/execlineb\n" + s.getValue() + "\n";
            tree.put(FileNode.file(dir + "/run", run.getBytes(StandardCharsets.UTF_8), 0755, 0, 0, epoch));
        }
    }

    /**
     * A service bundle starts {@code /bin/s6-svscan} and its run scripts {@code #!/bin/execlineb}: paths that s6
     * and execline (installed under {@code /usr/bin}, as in Wolfi) only reach through a {@code /bin -> usr/bin}
     * link. Without it the image would build and never start, so say what is missing instead.
     */
    private static void requireServicePrograms(FileTree tree, ImageSpec spec, String arch) {
        if (!spec.entrypoint().usesServiceBundle()) {
            return;
        }
        for (String program : List.of("bin/s6-svscan", "bin/execlineb")) {
            if (tree.follow(program).filter(n -> n.kind() == FileNode.Kind.FILE).isPresent()) {
                continue;
            }
            String why = tree.follow("usr/" + program).isPresent()
                    ? "it is at /usr/" + program + ", but nothing links /bin to usr/bin: add a package that does,"
                            + " such as busybox"
                    : "no installed package has it: add the package that installs it";
            throw new ImageException("entrypoint.type service-bundle runs /" + program + ", which is not in the " + arch
                    + " image (" + why + ")");
        }
    }

    private static byte[] lines(List<String> lines) {
        return (lines.isEmpty() ? "" : String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] specJson(ImageSpec spec) {
        try {
            return SPEC_JSON.writeValueAsBytes(spec);
        } catch (IOException e) {
            throw new ImageException("cannot render the image config as JSON: " + e.getMessage(), e);
        }
    }
}
