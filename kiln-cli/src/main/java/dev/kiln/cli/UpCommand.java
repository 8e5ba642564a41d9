package dev.kiln.cli;

import dev.kiln.build.EnvironmentSources;
import dev.kiln.build.source.SourceCache;
import dev.kiln.oci.distribution.Credentials;
import dev.kiln.registry.HtpasswdEntries;
import dev.kiln.registry.RegistryConfig;
import dev.kiln.registry.RegistryServer;
import dev.kiln.sandbox.Preflight;
import dev.kiln.server.RecentEvents;
import dev.kiln.server.Reconciler;
import dev.kiln.server.Settings;
import dev.kiln.server.bootstrap.Bootstrap;
import dev.kiln.server.bootstrap.BootstrapCache;
import dev.kiln.server.bootstrap.BootstrapPlan;
import dev.kiln.server.state.StateStore;
import dev.kiln.server.web.CatalogServer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "up",
        description = {
            "Kiln's main job: build the example catalog (packages from upstream sources, then images),",
            "push every image into an embedded registry and keep serving it on 127.0.0.1.",
            "Idempotent: with nothing changed, a second run builds nothing and pushes nothing.",
            "Source tarballs found in --sources are imported into the cache first (see README)."
        })
final class UpCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--addr", description = "registry listen address (default: ${DEFAULT-VALUE})")
    String addr = "127.0.0.1:5000";

    @Option(
            names = "--state-dir",
            description = "cache, logs, keys, registry storage, state database (default: ${DEFAULT-VALUE})")
    Path stateDir = Defaults.STATE;

    @Option(names = "--out-dir", description = "package repository (default: ${DEFAULT-VALUE})")
    Path outDir = Defaults.REPOSITORY;

    @Option(names = "--catalog", description = "catalog with recipes/ and images/ (default: ${DEFAULT-VALUE})")
    Path catalog = Path.of("examples");

    @Option(
            names = "--sources",
            description =
                    "directory of upstream source files to import first (default: ${DEFAULT-VALUE}, when present)")
    Path sources = Path.of("upstream-sources");

    @Option(names = "--arch", description = "architecture (default: ${DEFAULT-VALUE})")
    String arch = Defaults.hostArch();

    @Option(
            names = "--source-date-epoch",
            description = "timestamp of every output (default: $SOURCE_DATE_EPOCH, else 0)")
    @Nullable
    Long sourceDateEpoch;

    @Option(
            names = "--database",
            description = "state database: postgresql://user@host:port/db (default: SQLite at STATE/kiln.db)")
    @Nullable
    String database;

    @Option(
            names = "--storage",
            description = "build packages through the build queue: enqueue jobs for kiln worker, whose outputs go to"
                    + " this shared directory or s3://BUCKET/PREFIX (AWS settings from the environment and ~/.aws)"
                    + " (default: build in this process)")
    String storage;

    @Option(names = "--web-addr", description = "web catalog listen address while serving (default: ${DEFAULT-VALUE})")
    String webAddr = "127.0.0.1:8080";

    @Option(names = "--no-sign", description = "push images without signatures and attestations")
    boolean noSign;

    @picocli.CommandLine.Mixin
    RunnerOptions runner = new RunnerOptions();

    /** A catalog built on Kiln's own toolchain: the bootstrap's repository appended (README, "The catalog"). */
    @picocli.CommandLine.Mixin
    EnvironmentOptions environment = new EnvironmentOptions();

    @Option(
            names = "--bootstrap",
            arity = "0..1",
            fallbackValue = "bootstrap/plan.yaml",
            paramLabel = "PLAN",
            description = "first build the toolchain bootstrap of PLAN (bootstrap/plan.yaml when no PLAN is given;"
                    + " cached between runs, hours the first time) up to --bootstrap-stage, then build the catalog"
                    + " hermetically on that stage's packages")
    @Nullable
    Path bootstrapPlan;

    @Option(
            names = "--bootstrap-stage",
            description = "the bootstrap's last stage, the one the catalog builds on: 1 (built with the host's"
                    + " toolchain) is enough to build on, 3 also proves stage 2 = stage 3 (default: ${DEFAULT-VALUE})")
    int bootstrapStage = 1;

    @Option(
            names = "--bootstrap-cache",
            description =
                    "the bootstrap's stages and sources, kept between runs (default: $XDG_CACHE_HOME/kiln/bootstrap,"
                            + " else ~/.cache/kiln/bootstrap)")
    @Nullable
    Path bootstrapCache;

    @Option(names = "--once", description = "reconcile, print the references and exit instead of serving")
    boolean once;

    @Option(names = "--json", description = "machine-readable output: one JSON object per line")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Output out = Output.of(spec, json);
        dev.kiln.server.kubernetes.KubernetesSettings kubernetes = runner.settings();
        if (kubernetes == null) { // Kubernetes builds need no sandbox here, unless a recipe has tests
            Preflight.check(System.getenv());
        }
        EnvironmentSources buildEnvironment = environment.sources();
        if (bootstrapPlan != null) {
            EnvironmentSources toolchain = bootstrap(out, bootstrapPlan);
            if (toolchain == null) {
                return 1;
            }
            buildEnvironment = buildEnvironment.and(toolchain);
        }
        Settings settings = Settings.builder()
                .stateDir(stateDir)
                .repository(outDir)
                .catalog(catalog)
                .arch(arch)
                .sourceDateEpoch(sourceDateEpoch)
                .unsignedImages(noSign)
                .database(database)
                .storage(storage)
                .kubernetes(kubernetes)
                .catalogEnvironment(buildEnvironment)
                .build(System.getenv());
        importSources(out, settings.cacheDir());

        Path registryRoot = Files.createDirectories(stateDir.resolve("registry"));
        Credentials credentials = pushCredentials(registryRoot);
        try (StateStore state = StateStore.open(settings.database(), Clock.systemUTC());
                RegistryServer server = new RegistryServer(RegistryConfig.builder(registryRoot.resolve("storage"))
                                .addr(addr)
                                .htpasswd(registryRoot.resolve("htpasswd"))
                                .build())
                        .start()) {
            out.progress(
                    "==> registry listening on " + server.address(),
                    Output.fields("event", "registry", "address", server.address()));
            // started before the reconcile, so the activity page shows the run as it goes
            RecentEvents recent = new RecentEvents(500);
            web = once ? null : startWeb(state, recent, settings);
            HttpClient http = HttpClient.newBuilder()
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .build();
            Reconciler reconciler =
                    new Reconciler(settings, state, http, Clock.systemUTC(), recent.alongside(out::render));
            Reconciler.Report report = reconciler.reconcile(new Reconciler.Request(
                    "up",
                    EnumSet.of(Reconciler.Stage.PACKAGES, Reconciler.Stage.IMAGES),
                    yamlFiles(catalog.resolve("recipes")),
                    yamlFiles(catalog.resolve("images")),
                    new Reconciler.RegistryTarget(server.address(), credentials)));
            render(out, report, server.address());
            if (web != null) {
                out.say("  catalog: " + web.url());
                out.emit(Output.fields("event", "web", "url", web.url()));
            }
            if (once) {
                return report.failed() ? 1 : 0;
            }
            if (report.failed()) {
                // what the run did publish (every image no failure touched) is worth serving; the exit status still
                // says the run failed once the server stops
                out.error("the run failed (above); serving what it published");
            }
            out.progress(
                    "==> serving " + server.address() + (web == null ? "" : " and " + web.url()) + " (Ctrl-C to stop)",
                    Output.fields("event", "serving"));
            server.join();
            return report.failed() ? 1 : 0;
        } finally {
            if (web != null) {
                web.close();
            }
        }
    }

    private @Nullable CatalogServer web;

    /**
     * Runs the toolchain bootstrap of {@code plan} up to {@code --bootstrap-stage} (recipes whose inputs did not
     * change are not built again) and returns where the catalog's builds take their environments from; null, with
     * the failures reported, when a stage failed.
     */
    private @Nullable EnvironmentSources bootstrap(Output out, Path plan) {
        if (bootstrapStage < 1 || bootstrapStage > BootstrapCache.STAGES) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--bootstrap-stage: expected 1, 2 or 3, got " + bootstrapStage);
        }
        BootstrapPlan loaded = BootstrapPlan.load(plan);
        Long epoch = Defaults.sourceDateEpoch(sourceDateEpoch);
        Bootstrap bootstrap = BootstrapCommand.bootstrap(
                new Bootstrap.Options(
                        BootstrapCache.at(bootstrapCache, System.getenv()),
                        arch,
                        epoch == null ? 0 : epoch,
                        null,
                        false,
                        List.of(),
                        sources,
                        dev.kiln.build.BuildLimits.DEFAULT),
                out);
        Bootstrap.Report report = bootstrap.run(loaded, bootstrapStage);
        if (report.failed()) {
            out.error("bootstrap " + plan + " failed"
                    + (report.stoppedAt() == null ? "" : " (" + report.stoppedAt() + ")")
                    + "; the catalog was not built");
            return null;
        }
        return bootstrap.environmentOf(loaded, bootstrapStage);
    }

    private CatalogServer startWeb(StateStore state, RecentEvents recent, Settings settings) {
        String[] hostPort = RegistryConfig.splitAddress(webAddr);
        int port;
        try {
            port = Integer.parseInt(hostPort[1]);
        } catch (NumberFormatException e) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--web-addr '" + webAddr + "': expected HOST:PORT, e.g. 127.0.0.1:8080");
        }
        return new CatalogServer(state, recent, settings.logDir(), Clock.systemUTC()).start(hostPort[0], port);
    }

    private static void render(Output out, Reconciler.Report report, String registry) {
        List<Reconciler.PackageOutcome> packages = report.packages();
        List<Reconciler.ImageOutcome> images = report.images();
        long built = packages.stream().filter(Reconciler.PackageOutcome::built).count();
        long pushed = images.stream().filter(Reconciler.ImageOutcome::pushed).count();
        long failed = packages.stream()
                .filter(p -> p.status() == Reconciler.PackageStatus.FAILED)
                .count();
        int notPublished = report.imagesNotPublished().size();
        for (Reconciler.PackageOutcome p : packages) {
            out.emit(Output.fields(
                    "event",
                    "package",
                    "name",
                    p.name(),
                    "version",
                    p.version(),
                    "built",
                    p.built(),
                    "status",
                    p.status().name(),
                    "message",
                    p.message()));
        }
        for (Reconciler.ImageOutcome i : images) {
            out.say("  docker pull " + i.reference() + (i.pushed() ? "" : "   (unchanged)"));
            out.emit(Output.fields(
                    "event",
                    "image",
                    "name",
                    i.name(),
                    "reference",
                    i.reference().toString(),
                    "pushed",
                    i.pushed(),
                    "signed",
                    i.signed()));
        }
        for (Reconciler.Unpublished image : report.imagesNotPublished()) {
            out.emit(Output.fields("event", "image-not-published", "name", image.name(), "reason", image.reason()));
        }
        out.say(String.format(
                "catalog: %d recipes (%d built, %d up to date%s), %d images (%d pushed, %d unchanged%s)",
                packages.size(),
                built,
                packages.size() - built - failed,
                failed == 0 ? "" : ", " + failed + " failed",
                images.size(),
                pushed,
                images.size() - pushed,
                notPublished == 0 ? "" : ", " + notPublished + " not published"));
        out.emit(Output.fields(
                "event",
                "summary",
                "recipes",
                packages.size(),
                "built",
                built,
                "images",
                images.size(),
                "pushed",
                pushed,
                "failed",
                failed,
                "notPublished",
                notPublished,
                "registry",
                registry,
                "run",
                report.runId()));
    }

    private static List<Path> yamlFiles(Path dir) throws IOException {
        return Files.isDirectory(dir) ? CatalogFiles.yamlFiles(dir) : List.of();
    }

    private void importSources(Output out, Path cacheDir) throws IOException {
        if (!Files.isDirectory(sources)) {
            return;
        }
        SourceCache cache = new SourceCache(cacheDir);
        try (Stream<Path> files = Files.list(sources)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                SourceCache.Imported imported = cache.importFileOnce(file);
                out.progress(
                        "==> source " + file.getFileName() + " sha256:"
                                + imported.sha256().hex(),
                        Output.fields(
                                "event",
                                "imported",
                                "file",
                                file.toString(),
                                "sha256",
                                imported.sha256().hex()));
            }
        }
    }

    /**
     * The embedded registry lets anyone pull and only Kiln push: a user {@code kiln} with a
     * random password kept beside the registry (mode 0600), created on first use.
     */
    private static Credentials pushCredentials(Path registryRoot) throws IOException {
        Path secret = registryRoot.resolve("push-password");
        Path htpasswd = registryRoot.resolve("htpasswd");
        if (!Files.exists(secret) || !Files.exists(htpasswd)) {
            SecureRandom random = new SecureRandom();
            byte[] bytes = new byte[24];
            random.nextBytes(bytes);
            String password = HexFormat.of().formatHex(bytes);
            Files.writeString(secret, password, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
            Files.writeString(htpasswd, HtpasswdEntries.bcryptLine("kiln", password.toCharArray(), random) + "\n");
        }
        return new Credentials(
                "kiln", Files.readString(secret, StandardCharsets.UTF_8).trim());
    }
}
