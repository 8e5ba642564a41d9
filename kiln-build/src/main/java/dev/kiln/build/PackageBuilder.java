package dev.kiln.build;

import dev.kiln.apk.ApkRepository;
import dev.kiln.build.source.GitCheckout;
import dev.kiln.build.source.SharedSources;
import dev.kiln.build.source.SourceCache;
import dev.kiln.build.source.SourceFetcher;
import dev.kiln.content.FileTrees;
import dev.kiln.recipe.BuildPlan;
import dev.kiln.recipe.PackagePlan;
import dev.kiln.sandbox.Sandbox;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the packages of one compiled recipe: fetch every source into the cache, run the
 * steps through the {@link BuildRunner} (by default each in a network-less sandbox on this host), assemble and
 * sign each output, run the recipe's tests,
 * and only then publish to the repository. Any failure before publishing leaves the
 * repository exactly as it was.
 */
public final class PackageBuilder {
    private final Sandbox sandbox;
    private final BuildRunner runner;
    private final HttpClient http;
    private final Clock clock;
    private final SharedSources sharedSources;

    public PackageBuilder(Sandbox sandbox, HttpClient http) {
        this(sandbox, http, Clock.systemUTC());
    }

    /** {@code clock} dates the provenance's start and finish only; package bytes use SOURCE_DATE_EPOCH. */
    public PackageBuilder(Sandbox sandbox, HttpClient http, Clock clock) {
        this(sandbox, new SandboxRunner(sandbox), http, clock);
    }

    /**
     * A builder whose steps {@code runner} runs; {@code sandbox} still runs the recipe's tests on this host, after
     * the packages are assembled.
     */
    public PackageBuilder(Sandbox sandbox, BuildRunner runner, HttpClient http, Clock clock) {
        this(sandbox, runner, http, clock, SharedSources.NONE);
    }

    private PackageBuilder(
            Sandbox sandbox, BuildRunner runner, HttpClient http, Clock clock, SharedSources sharedSources) {
        this.sandbox = sandbox;
        this.runner = runner;
        this.http = http;
        this.clock = clock;
        this.sharedSources = sharedSources;
    }

    /**
     * This builder, fetching sources through {@code store} when its cache misses and sharing what it downloads
     * there (the build queue's workers share one over {@code --storage s3://…}).
     */
    public PackageBuilder withSharedSources(SharedSources store) {
        return new PackageBuilder(sandbox, runner, http, clock, store);
    }

    /** Where the full log of a build of {@code plan} goes, also when the build fails. */
    public static Path logFile(BuildPlan plan, BuildOptions options) {
        return options.logDir().resolve(plan.name() + "-" + plan.fullVersion() + "-" + options.arch() + ".log");
    }

    /** What {@link #environmentKey} answers for a build over the host's toolchain. */
    public static final String HOST_TOOLCHAIN = "host-toolchain";

    /**
     * The build environment {@code plan} would be built in with {@code options}, without building: the
     * content-addressed key of the resolved package set (every name, version and checksum, the installed
     * environment's cache key), or {@link #HOST_TOOLCHAIN} when the build would run over the host's toolchain.
     * A build is a function of this, not of every package its repositories hold.
     */
    public static String environmentKey(BuildPlan plan, BuildOptions options) {
        EnvironmentResolver environments = EnvironmentResolver.of(plan, options);
        Set<String> optional = buildNativeNeeds(plan);
        if (options.environment().hermetic() || environments.provides(plan.environmentPackages(), optional)) {
            return resolveBuildEnvironment(plan, environments, optional).key();
        }
        return HOST_TOOLCHAIN;
    }

    public BuildResult build(BuildPlan plan, BuildOptions options) {
        if (plan.skippedForArch()) {
            return BuildResult.skipped(
                    plan.recipeFile(),
                    options.arch(),
                    "target-architecture " + plan.targetArchitectures() + " does not include " + options.arch());
        }
        BuildListener listener = options.listener();
        Instant startedOn = clock.instant();
        SourceCache cache = new SourceCache(options.cacheDir());
        SourceFetcher fetcher = new SourceFetcher(cache, http, options.offline()).withShared(sharedSources);
        GitCheckout git = new GitCheckout(options.cacheDir(), options.offline());
        listener.onEvent(BuildListener.BuildEvent.phase(plan.name(), "fetching sources"));
        SourcePlan.prefetch(plan, fetcher, git, listener);

        Path logFile = logFile(plan, options);
        List<PackagePlan> packages = new ArrayList<>();
        packages.add(plan.mainPackage());
        packages.addAll(plan.subpackages());
        try (Workspace workspace =
                        Workspace.create(runner.workRoot(options), plan.name(), logFile, options.keepWorkspace());
                OutputStream log = new BufferedOutputStream(Files.newOutputStream(logFile))) {
            if (options.sourceDir() != null && Files.isDirectory(options.sourceDir())) {
                FileTrees.copy(options.sourceDir(), workspace.root());
            }
            for (PackagePlan pkg : packages) {
                workspace.outputDir(pkg.name());
            }
            BuildDeadline deadline = BuildDeadline.start(plan.timeout(), options.limits());
            EnvironmentResolver environments = EnvironmentResolver.of(plan, options);
            ResolvedEnvironment environment = null;
            Path rootfs = null;
            Set<String> optional = buildNativeNeeds(plan);
            if (!runner.installsEnvironment()) {
                // the runner's image is the build environment; none is resolved or installed here
                listener.onEvent(new BuildListener.BuildEvent(
                        BuildListener.BuildEvent.Kind.ENVIRONMENT, plan.name(), "runner-image", 0, 0));
            } else if (options.environment().hermetic()
                    || environments.provides(plan.environmentPackages(), optional)) {
                environment = resolveBuildEnvironment(plan, environments, optional);
                rootfs = installBuildEnvironment(plan, environment, workspace, options);
            } else {
                listener.onEvent(new BuildListener.BuildEvent(
                        BuildListener.BuildEvent.Kind.ENVIRONMENT, plan.name(), "host-toolchain", 0, 0));
            }
            StepRunner steps = new StepRunner(
                    sandbox,
                    fetcher,
                    git,
                    workspace,
                    options,
                    plan.environmentVariables(),
                    plan.capabilities().add(),
                    log,
                    deadline,
                    rootfs);
            listener.onEvent(
                    BuildListener.BuildEvent.phase(plan.name(), "building " + plan.name() + "-" + plan.fullVersion()));
            List<BuildSteps.Planned> planned = new ArrayList<>(steps.plan(plan.name(), plan.steps()));
            for (PackagePlan sub : plan.subpackages()) {
                planned.addAll(steps.plan(sub.name(), sub.steps()));
            }
            Map<String, String> baseEnvironment = GuestEnvironment.forStep(
                    options.arch(),
                    options.sourceDateEpoch(),
                    GuestEnvironment.compilerHardens(rootfs),
                    plan.environmentVariables(),
                    Map.of());
            runner.run(new BuildSteps(
                    plan.name(), workspace.root(), baseEnvironment, plan.resources(), deadline, log, planned, steps));
            log.flush();

            Path staging = Files.createDirectories(workspace.base().resolve("staging"));
            Set<LocalDate> buildDays = new LinkedHashSet<>();
            buildDays.add(LocalDate.ofInstant(startedOn, ZoneOffset.UTC));
            buildDays.add(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
            PackageAssembler assembler = new PackageAssembler(options, runner.identity(), buildDays);
            List<BuiltPackage> built = new ArrayList<>();
            for (PackagePlan pkg : packages) {
                listener.onEvent(BuildListener.BuildEvent.phase(pkg.name(), "packaging " + pkg.name()));
                BuiltPackage b = assembler.assemble(plan, pkg, workspace.outputDir(pkg.name()), staging);
                built.add(b);
                b.warnings()
                        .forEach(w -> listener.onEvent(new BuildListener.BuildEvent(
                                BuildListener.BuildEvent.Kind.WARNING, pkg.name(), w, 0, 0)));
            }

            new PackageTests(
                            sandbox,
                            fetcher,
                            git,
                            workspace,
                            options,
                            log,
                            deadline,
                            environment == null ? null : environments)
                    .run(plan, packages, built);

            listener.onEvent(BuildListener.BuildEvent.phase(plan.name(), "publishing to " + options.repository()));
            ApkRepository repository = new ApkRepository(options.repository());
            repository.publish(
                    options.arch(),
                    built.stream().map(BuiltPackage::file).toList(),
                    options.signingKey(),
                    options.sourceDateEpoch());
            Path archDir = options.repository().resolve(options.arch());
            List<BuiltPackage> published = built.stream()
                    .map(b -> b.withFile(archDir.resolve(b.file().getFileName().toString())))
                    .toList();
            PackageProvenance.write(plan, options, environment, published, logFile, startedOn, clock.instant());
            published.forEach(b -> listener.onEvent(new BuildListener.BuildEvent(
                    BuildListener.BuildEvent.Kind.PACKAGE, b.name(), b.file().toString(), 0, 0)));
            return new BuildResult(plan.recipeFile(), options.arch(), false, null, published, logFile);
        } catch (IOException e) {
            throw new BuildException("build of " + plan.name() + " failed: " + e.getMessage(), e);
        }
    }

    private static Set<String> buildNativeNeeds(BuildPlan plan) {
        List<dev.kiln.recipe.Step> all = new ArrayList<>(plan.steps());
        plan.subpackages().forEach(s -> all.addAll(s.steps()));
        return EnvironmentResolver.nativeStepNeeds(all);
    }

    private static ResolvedEnvironment resolveBuildEnvironment(
            BuildPlan plan, EnvironmentResolver environments, Set<String> optional) {
        String what = "build environment of " + plan.name();
        if (plan.environmentPackages().isEmpty()) {
            throw new BuildException(
                    what,
                    "a hermetic build needs environment.contents.packages (at least a shell"
                            + " and what the pipeline runs); the recipe names none",
                    null);
        }
        return environments.resolve(what, plan.environmentPackages(), optional);
    }

    /**
     * The build's private root: the installed environment from the cache (installed there first when new),
     * copied as a hard-link farm the build may change.
     */
    private Path installBuildEnvironment(
            BuildPlan plan, ResolvedEnvironment environment, Workspace workspace, BuildOptions options)
            throws IOException {
        EnvironmentCache.Installed installed = new EnvironmentCache(options.cacheDir()).install(environment);
        options.listener()
                .onEvent(new BuildListener.BuildEvent(
                        BuildListener.BuildEvent.Kind.ENVIRONMENT,
                        plan.name(),
                        (installed.cacheHit() ? "cached " : "installed ")
                                + environment.packages().size() + " packages " + installed.key(),
                        0,
                        0));
        Path rootfs = workspace.base().resolve("rootfs");
        EnvironmentCache.privateCopy(installed.rootfs(), rootfs, sandbox.identity());
        return rootfs;
    }
}
