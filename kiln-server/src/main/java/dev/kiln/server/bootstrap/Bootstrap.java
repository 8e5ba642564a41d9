package dev.kiln.server.bootstrap;

import dev.kiln.apk.ApkRepository;
import dev.kiln.apk.ApkSigningKey;
import dev.kiln.build.BuildException;
import dev.kiln.build.BuildLimits;
import dev.kiln.build.BuildOptions;
import dev.kiln.build.BuildResult;
import dev.kiln.build.BuiltPackage;
import dev.kiln.build.EnvironmentSources;
import dev.kiln.build.PackageBuilder;
import dev.kiln.build.source.SourceCache;
import dev.kiln.content.Digest;
import dev.kiln.recipe.BuildPlan;
import dev.kiln.recipe.CompileOptions;
import dev.kiln.recipe.RecipeException;
import dev.kiln.recipe.Recipes;
import dev.kiln.sandbox.Sandbox;
import dev.kiln.sandbox.SandboxException;
import dev.kiln.server.ReconcileEvent;
import dev.kiln.server.ReconcileListener;
import dev.kiln.server.SigningKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The toolchain bootstrap behind {@code kiln bootstrap}: stage 1 builds every recipe of a {@link BootstrapPlan}
 * over the host's {@code /usr} (the one place Kiln uses the host toolchain, recorded in each package's provenance
 * as {@code bootstrapStage: 1 (host toolchain)}); stage 2 rebuilds them all hermetically, in environments made
 * only of stage-1 packages; stage 3 rebuilds them in stage-2 packages. Then every package of stage 2 is compared
 * with stage 3, byte for byte. Each stage is an APK repository in the {@link BootstrapCache}, which survives
 * between runs: a recipe whose inputs are unchanged in a stage is not built again, so a second run builds nothing.
 */
public final class Bootstrap {
    /**
     * The settings of one bootstrap run.
     *
     * @param cache           where stages, sources and keys live
     * @param arch            the architecture built
     * @param sourceDateEpoch the timestamp of every output
     * @param signingKey      the RSA key that signs every stage's packages; null for the cache's own, created on
     *                        first use
     * @param offline         never use the network: sources must be in the cache
     * @param pipelineDirs    pipeline definitions searched before the built-ins
     * @param importSources   a directory of upstream source files imported into the source cache first (as
     *                        {@code kiln up} does with {@code upstream-sources/}); null or absent for none
     * @param limits          each build's timeout and sandbox limits
     */
    public record Options(
            BootstrapCache cache,
            String arch,
            long sourceDateEpoch,
            @Nullable Path signingKey,
            boolean offline,
            List<Path> pipelineDirs,
            @Nullable Path importSources,
            BuildLimits limits) {
        public Options(
                BootstrapCache cache,
                String arch,
                long sourceDateEpoch,
                @Nullable Path signingKey,
                boolean offline,
                List<Path> pipelineDirs,
                @Nullable Path importSources,
                BuildLimits limits) {
            // explicit, not compact: javac writes @Nullable of a compact constructor's parameters nowhere in the
            // class file, so NullAway in another module (the CLI) would reject the nulls documented above
            this.cache = Objects.requireNonNull(cache, "cache");
            this.arch = Objects.requireNonNull(arch, "arch");
            this.sourceDateEpoch = sourceDateEpoch;
            this.signingKey = signingKey;
            this.offline = offline;
            this.pipelineDirs = List.copyOf(pipelineDirs);
            this.importSources = importSources;
            this.limits = limits == null ? BuildLimits.DEFAULT : limits;
        }
    }

    public enum Status {
        BUILT,
        UP_TO_DATE,
        FAILED
    }

    /** One recipe in one stage: what happened, the packages it has there, how long it took. */
    public record RecipeOutcome(
            int stage,
            String recipe,
            Status status,
            List<String> packages,
            Duration took,
            @Nullable String message,
            @Nullable Path log) {
        public RecipeOutcome {
            packages = List.copyOf(packages);
        }
    }

    /**
     * A bootstrap's result: every recipe of every stage that ran, how long each stage took (in order), the
     * comparison of stage 2 with stage 3 (empty when a stage failed), and which stage stopped it (null when all
     * three ran).
     */
    public record Report(
            List<RecipeOutcome> builds,
            List<Duration> stageTimes,
            List<PackageComparison> comparisons,
            @Nullable String stoppedAt) {
        public Report {
            builds = List.copyOf(builds);
            stageTimes = List.copyOf(stageTimes);
            comparisons = List.copyOf(comparisons);
        }

        /** A stage failed, or all three ran and some package of stage 2 is not identical in stage 3. */
        public boolean failed() {
            return stoppedAt != null
                    || (stageTimes.size() == BootstrapCache.STAGES && !Comparisons.allIdentical(comparisons));
        }

        public long built() {
            return builds.stream().filter(b -> b.status() == Status.BUILT).count();
        }
    }

    private final Options options;
    private final PackageBuilder builder;
    private final Clock clock;
    private final ReconcileListener listener;

    public Bootstrap(Options options, Sandbox sandbox, HttpClient http, Clock clock, ReconcileListener listener) {
        this.options = options;
        this.builder = new PackageBuilder(sandbox, http, clock);
        this.clock = clock;
        this.listener = listener;
    }

    /** Runs the three stages (each recipe only when its inputs changed), then compares stage 2 with stage 3. */
    public Report run(BootstrapPlan plan) {
        return run(plan, BootstrapCache.STAGES);
    }

    /**
     * Runs stages 1 to {@code lastStage} (each recipe only when its inputs changed); compares stage 2 with stage 3
     * only when {@code lastStage} is 3. Stage 1 alone builds the toolchain with the host's, which is how the
     * recipes are tried before the hours of a full bootstrap.
     */
    public Report run(BootstrapPlan plan, int lastStage) {
        if (lastStage < 1 || lastStage > BootstrapCache.STAGES) {
            throw new BootstrapException(
                    "the last stage must be 1, 2 or " + BootstrapCache.STAGES + ", got " + lastStage);
        }
        importSources();
        ApkSigningKey key = SigningKeys.packageKey(signingKeyFile(), listener);
        List<BuildPlan> compiled = compile(plan);
        List<RecipeOutcome> outcomes = new ArrayList<>();
        List<Duration> stageTimes = new ArrayList<>();
        for (int stage = 1; stage <= lastStage; stage++) {
            Instant start = clock.instant();
            listener.onEvent(ReconcileEvent.of(
                    "stage",
                    "==> stage " + stage + " (" + toolchain(stage) + "): "
                            + plan.recipes().size() + " recipes into "
                            + options.cache().repository(stage),
                    "stage",
                    stage,
                    "toolchain",
                    toolchain(stage),
                    "recipes",
                    plan.recipes().size(),
                    "repository",
                    options.cache().repository(stage).toString()));
            List<String> failed = new ArrayList<>();
            for (int i = 0; i < compiled.size(); i++) {
                RecipeOutcome outcome = buildOne(
                        stage,
                        plan.recipes().get(i),
                        compiled.get(i),
                        plan.testPackages(),
                        key,
                        i + 1,
                        compiled.size());
                outcomes.add(outcome);
                if (outcome.status() == Status.FAILED) {
                    failed.add(outcome.recipe());
                }
            }
            stageTimes.add(Duration.between(start, clock.instant()));
            if (!failed.isEmpty()) {
                String stopped = "stage " + stage + ": " + String.join(", ", failed) + " failed; later stages not run";
                listener.onEvent(ReconcileEvent.of("error", stopped, "message", stopped, "stage", stage));
                return new Report(outcomes, stageTimes, List.of(), stopped);
            }
        }
        return new Report(outcomes, stageTimes, lastStage == BootstrapCache.STAGES ? compare(plan) : List.of(), null);
    }

    /** Compares every package stage 2 and stage 3 hold for the plan's recipes; builds nothing. */
    public List<PackageComparison> compare(BootstrapPlan plan) {
        listener.onEvent(ReconcileEvent.of(
                "stage",
                "==> comparing stage 2 with stage 3",
                "stage",
                "compare",
                "recipes",
                plan.recipes().size()));
        Path two = options.cache().repository(2).resolve(options.arch());
        Path three = options.cache().repository(3).resolve(options.arch());
        List<PackageComparison> comparisons = new ArrayList<>();
        for (Path recipe : plan.recipes()) {
            String name = BootstrapPlan.recipeName(recipe);
            StageInputs a = StageInputs.read(options.cache().inputs(2, name));
            StageInputs b = StageInputs.read(options.cache().inputs(3, name));
            List<String> files = new ArrayList<>();
            if (a != null) {
                files.addAll(a.packages().keySet());
            }
            if (b != null) {
                b.packages().keySet().stream().filter(f -> !files.contains(f)).forEach(files::add);
            }
            if (files.isEmpty()) {
                comparisons.add(new PackageComparison(
                        name, name, PackageComparison.Verdict.MISSING, null, null, "not built in stage 2 or 3"));
            }
            for (String file : files) {
                comparisons.add(PackageComparison.of(name, file, two.resolve(file), three.resolve(file)));
            }
        }
        comparisons.forEach(c -> listener.onEvent(Comparisons.event(c)));
        listener.onEvent(Comparisons.summary(comparisons));
        return comparisons;
    }

    private RecipeOutcome buildOne(
            int stage,
            Path recipe,
            BuildPlan plan,
            List<String> testPackages,
            ApkSigningKey key,
            int index,
            int total) {
        String name = BootstrapPlan.recipeName(recipe);
        Path repository = options.cache().repository(stage);
        Path archDir = repository.resolve(options.arch());
        Path sourceDir = BuildOptions.sourceDirBeside(recipe, plan.name());
        BuildOptions buildOptions = buildOptions(stage, key, sourceDir, testPackages);
        String environment;
        try {
            environment = stage == 1 ? BootstrapPlan.HOST_TOOLCHAIN : PackageBuilder.environmentKey(plan, buildOptions);
        } catch (BuildException | dev.kiln.apk.ApkException e) {
            RecipeOutcome outcome = new RecipeOutcome(
                    stage,
                    name,
                    Status.FAILED,
                    List.of(),
                    Duration.ZERO,
                    e.getMessage(),
                    PackageBuilder.logFile(plan, buildOptions));
            report(outcome, index, total);
            return outcome;
        }
        String inputs = StageInputs.hash(inputLines(stage, recipe, plan, sourceDir, environment, key));
        Path inputsFile = options.cache().inputs(stage, name);
        StageInputs previous = StageInputs.read(inputsFile);
        if (previous != null && previous.inputs().equals(inputs) && previous.packagesPresentIn(archDir)) {
            RecipeOutcome outcome = new RecipeOutcome(
                    stage,
                    name,
                    Status.UP_TO_DATE,
                    List.copyOf(previous.packages().keySet()),
                    Duration.ZERO,
                    null,
                    null);
            report(outcome, index, total);
            return outcome;
        }
        Instant start = clock.instant();
        try {
            forget(previous, inputsFile, repository, key);
            BuildResult result = builder.build(plan, buildOptions);
            Map<String, String> packages = new LinkedHashMap<>();
            for (BuiltPackage p : result.packages()) {
                packages.put(p.file().getFileName().toString(), p.sha256());
            }
            new StageInputs(inputs, packages).write(inputsFile);
            RecipeOutcome outcome = new RecipeOutcome(
                    stage,
                    name,
                    Status.BUILT,
                    List.copyOf(packages.keySet()),
                    Duration.between(start, clock.instant()),
                    null,
                    result.log());
            report(outcome, index, total);
            return outcome;
        } catch (BuildException | SandboxException | dev.kiln.apk.ApkException | UncheckedIOException e) {
            RecipeOutcome outcome = new RecipeOutcome(
                    stage,
                    name,
                    Status.FAILED,
                    List.of(),
                    Duration.between(start, clock.instant()),
                    e.getMessage(),
                    PackageBuilder.logFile(plan, buildOptions));
            report(outcome, index, total);
            return outcome;
        }
    }

    /**
     * Everything a recipe's packages in {@code stage} are a function of. The environment of stage 2 and 3 is the
     * recipe's own resolved build environment from the stage before (every package's name, version and checksum):
     * a change of a package it does not install (bison, for recipes that do not use it) rebuilds nothing.
     */
    private List<String> inputLines(
            int stage, Path recipe, BuildPlan plan, @Nullable Path sourceDir, String environment, ApkSigningKey key) {
        List<String> lines = new ArrayList<>();
        lines.add("kiln-bootstrap-inputs 1");
        lines.add("stage " + stage);
        lines.add("arch " + options.arch());
        lines.add("source-date-epoch " + options.sourceDateEpoch());
        lines.add("key "
                + Digest.sha256(key.publicKeyPem().getBytes(StandardCharsets.UTF_8))
                        .hex());
        lines.add("recipe " + Digest.sha256(recipe).hex());
        lines.add("compiled "
                + Digest.sha256(plan.toYaml().getBytes(StandardCharsets.UTF_8)).hex());
        StageInputs.treeLines(sourceDir).forEach(l -> lines.add("local " + l));
        lines.add("environment " + environment);
        return lines;
    }

    /** Removes what an earlier build of the recipe published in the stage, so its rebuild may publish new bytes. */
    private void forget(@Nullable StageInputs previous, Path inputsFile, Path repository, ApkSigningKey key) {
        try {
            Files.deleteIfExists(inputsFile);
            if (previous == null || previous.packages().isEmpty()) {
                return;
            }
            Path archDir = repository.resolve(options.arch());
            for (String file : previous.packages().keySet()) {
                Files.deleteIfExists(archDir.resolve(file));
                Files.deleteIfExists(archDir.resolve(file.replaceFirst("\\.apk$", ".attest.json")));
            }
            new ApkRepository(repository).reindex(options.arch(), key, options.sourceDateEpoch());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the earlier packages of " + inputsFile, e);
        }
    }

    private BuildOptions buildOptions(
            int stage, ApkSigningKey key, @Nullable Path sourceDir, List<String> testPackages) {
        BootstrapCache cache = options.cache();
        EnvironmentSources environment = stage == 1
                ? EnvironmentSources.NONE
                : new EnvironmentSources(
                        List.of(cache.repository(stage - 1).toString()), List.of(), true, cache.root(), testPackages);
        return new BuildOptions(
                        options.arch(),
                        cache.repository(stage),
                        cache.sources(),
                        cache.work(),
                        cache.logs(stage),
                        key,
                        options.sourceDateEpoch(),
                        "kiln",
                        options.offline(),
                        false,
                        sourceDir,
                        event -> listener.onEvent(inStage(stage, ReconcileEvent.of(event))))
                .withLimits(options.limits())
                .withEnvironment(environment)
                .withAnnotations(Map.of("bootstrapStage", stage + " (" + toolchain(stage) + ")"));
    }

    /** What stage {@code stage} builds with, as its packages' provenance records it. */
    static String toolchain(int stage) {
        return stage == 1 ? "host toolchain" : "stage-" + (stage - 1) + " packages";
    }

    private static ReconcileEvent inStage(int stage, ReconcileEvent event) {
        Map<String, Object> fields = new LinkedHashMap<>(event.fields());
        fields.remove("event");
        fields.put("stage", stage);
        return new ReconcileEvent(event.kind(), event.text(), fields);
    }

    private void report(RecipeOutcome o, int index, int total) {
        String what = switch (o.status()) {
            case BUILT -> "built in " + seconds(o.took()) + " (" + String.join(", ", o.packages()) + ")";
            case UP_TO_DATE -> "up to date";
            case FAILED -> "FAILED: " + o.message() + (o.log() == null ? "" : "\n    log: " + o.log());
        };
        listener.onEvent(ReconcileEvent.of(
                o.status() == Status.FAILED ? "error" : "bootstrap-recipe",
                "  [" + index + "/" + total + "] stage " + o.stage() + ": " + o.recipe() + ": " + what,
                "stage",
                o.stage(),
                "recipe",
                o.recipe(),
                "status",
                o.status().name().toLowerCase(java.util.Locale.ROOT),
                "packages",
                o.packages(),
                "seconds",
                o.took().toMillis() / 1000.0,
                "message",
                o.message(),
                "log",
                o.log() == null ? null : o.log().toString()));
    }

    static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private List<BuildPlan> compile(BootstrapPlan plan) {
        List<BuildPlan> compiled = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path recipe : plan.recipes()) {
            try {
                compiled.add(Recipes.compile(recipe, options.pipelineDirs(), CompileOptions.forArch(options.arch())));
            } catch (RecipeException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new BootstrapException(
                    "bootstrap plan " + plan.file() + ": recipes do not compile:\n" + String.join("\n", problems));
        }
        return compiled;
    }

    /**
     * Where builds on this bootstrap's {@code stage} take their environments from: that stage's repository, trusted
     * through the public half of the bootstrap's signing key (beside it, as {@code .pub}), hermetic, with the plan's
     * test packages. {@code kiln up --bootstrap} builds its catalog on this.
     */
    public EnvironmentSources environmentOf(BootstrapPlan plan, int stage) {
        Path key = signingKeyFile();
        return new EnvironmentSources(
                List.of(options.cache().repository(stage).toAbsolutePath().toString()),
                List.of(key.resolveSibling(key.getFileName() + ".pub").toAbsolutePath()),
                true,
                options.cache().root(),
                plan.testPackages());
    }

    private Path signingKeyFile() {
        return options.signingKey() != null
                ? options.signingKey()
                : options.cache().signingKey();
    }

    private void importSources() {
        Path dir = options.importSources();
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        SourceCache sources = new SourceCache(options.cache().sources());
        int count = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                sources.importFile(f);
                count++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot import sources from " + dir, e);
        }
        listener.onEvent(ReconcileEvent.of(
                "sources",
                "==> imported " + count + " source files from " + dir,
                "directory",
                dir.toString(),
                "files",
                count));
    }
}
