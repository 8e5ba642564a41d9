package dev.kiln.server;

import dev.kiln.apk.ApkReader;
import dev.kiln.apk.ApkRepository;
import dev.kiln.apk.ApkSigningKey;
import dev.kiln.apk.PkgInfo;
import dev.kiln.content.Digest;
import dev.kiln.content.Hashing;
import dev.kiln.recipe.BuildPlan;
import dev.kiln.recipe.CompileOptions;
import dev.kiln.recipe.PipelineLibrary;
import dev.kiln.recipe.Recipe;
import dev.kiln.recipe.RecipeCompiler;
import dev.kiln.recipe.RecipeException;
import dev.kiln.recipe.Recipes;
import dev.kiln.server.Reconciler.PackageOutcome;
import dev.kiln.server.Reconciler.PackageStatus;
import dev.kiln.server.queue.OutputStore;
import dev.kiln.server.queue.OutputStores;
import dev.kiln.server.queue.QueueException;
import dev.kiln.server.state.BuildQueue;
import dev.kiln.server.state.BuildQueue.JobState;
import dev.kiln.server.state.Records;
import dev.kiln.server.state.StateStore;
import dev.kiln.update.RebuildGraph;
import dev.kiln.update.RebuildOutcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The PACKAGES stage when {@code --storage} is set: instead of building in this process, enqueue one job per
 * out-of-date recipe in rebuild order (each waiting for the jobs of the recipes it needs at build time), wait for
 * {@code kiln worker}s to run them, then publish each succeeded job's packages into the repository — once: the
 * reconciler that marks a job published is the one that copies its packages, after checking every one against its
 * digest. With {@code --storage s3://…} it also publishes them into the APK repository beside the outputs
 * ({@link SharedRepository}), which every reconciler extends, so that repository holds the union of their builds.
 */
final class QueuedBuilds {
    /** A recipe to build, with its compiled plan. */
    record Pending(Path recipe, BuildPlan plan) {}

    static final int MAX_ATTEMPTS = 3;
    private static final Duration POLL = Duration.ofMillis(200);

    private final Settings settings;
    private final StateStore state;
    private final Clock clock;
    private final ReconcileListener listener;

    QueuedBuilds(Settings settings, StateStore state, Clock clock, ReconcileListener listener) {
        this.settings = settings;
        this.state = state;
        this.clock = clock;
        this.listener = listener;
    }

    /** One queued recipe's outcome, with the packages its job built (for the update bot's soname propagation). */
    private record Result(PackageOutcome outcome, List<RebuildOutcome.Built> built) {}

    /** Enqueues, waits for and publishes {@code pending}; one outcome per recipe, in rebuild order. */
    List<PackageOutcome> build(long runId, List<Pending> pending, ApkSigningKey packageKey) {
        return results(runId, pending, packageKey).stream().map(Result::outcome).toList();
    }

    /**
     * The update bot's rebuild of one bumped recipe through the queue: enqueued, built by a {@code kiln worker},
     * published here, as {@link dev.kiln.update.Rebuilder} reports it (the packages with what each provides).
     */
    RebuildOutcome rebuild(long runId, Path recipe, ApkSigningKey packageKey) {
        BuildPlan plan;
        try {
            plan = Recipes.compile(recipe, settings.pipelineDirs(), CompileOptions.forArch(settings.arch()));
        } catch (RecipeException e) {
            return RebuildOutcome.failed(Objects.requireNonNullElse(e.getMessage(), e.toString()), null);
        }
        if (plan.skippedForArch()) {
            // as an in-process build of it: nothing built, nothing failed
            return new RebuildOutcome(true, List.of(), null, null);
        }
        Result result =
                results(runId, List.of(new Pending(recipe, plan)), packageKey).get(0);
        PackageOutcome outcome = result.outcome();
        return outcome.status() == PackageStatus.FAILED
                ? RebuildOutcome.failed(
                        Objects.requireNonNullElse(outcome.message(), "the queued build failed"), outcome.log())
                : new RebuildOutcome(true, result.built(), null, outcome.log());
    }

    private List<Result> results(long runId, List<Pending> pending, ApkSigningKey packageKey) {
        if (pending.isEmpty()) {
            return List.of();
        }
        String storage = Objects.requireNonNull(settings.storage(), "the reconciler queues builds only with --storage");
        try (OutputStore store = OutputStores.of(storage, settings.environment());
                SharedRepository shared = SharedRepository.of(storage, settings);
                BuildQueue queue = BuildQueue.open(settings.database(), clock)) {
            Map<String, Long> jobs = enqueue(queue, pending);
            Map<String, Pending> byName = new HashMap<>();
            pending.forEach(p -> byName.put(p.plan().name(), p));
            listener.onEvent(ReconcileEvent.of(
                    "queued",
                    "==> " + jobs.size() + " builds queued in " + redacted(settings.database())
                            + "; waiting for kiln worker",
                    "jobs",
                    jobs.size()));
            Instant start = clock.instant();
            Map<Long, BuildQueue.Job> finished = await(queue, jobs.values());
            long millis = clock.millis() - start.toEpochMilli();
            List<Result> outcomes = new ArrayList<>();
            for (Map.Entry<String, Long> e : jobs.entrySet()) {
                // jobs and byName are keyed by the same package names; await returns only when every job finished
                Pending p = Objects.requireNonNull(byName.get(e.getKey()), "a queued package is pending");
                BuildQueue.Job job = Objects.requireNonNull(finished.get(e.getValue()), "every queued job finished");
                outcomes.add(publish(runId, queue, store, shared, p, job, packageKey, start, millis));
            }
            return outcomes;
        }
    }

    /** Recipe name to job id, in rebuild order. */
    private Map<String, Long> enqueue(BuildQueue queue, List<Pending> pending) {
        List<String> problems = new ArrayList<>();
        List<Recipe> recipes =
                UpdatePorts.load(pending.stream().map(Pending::recipe).toList(), settings.pipelineDirs(), problems);
        RebuildGraph graph = RebuildGraph.of(
                recipes,
                new RecipeCompiler(PipelineLibrary.withBuiltins(settings.pipelineDirs())),
                CompileOptions.forArch(settings.arch()));
        Map<String, Pending> byName = new LinkedHashMap<>();
        pending.forEach(p -> byName.put(p.plan().name(), p));
        RebuildGraph.Order order = graph.order(byName.keySet());
        Set<RebuildGraph.Edge> broken = new HashSet<>(order.brokenEdges());
        List<String> names = new ArrayList<>(order.origins());
        // a recipe the graph could not place (it did not load) still gets a job, without dependencies
        byName.keySet().stream().filter(n -> !names.contains(n)).forEach(names::add);
        Map<String, Long> ids = new LinkedHashMap<>();
        for (String name : names) {
            Pending p = byName.get(name);
            if (p == null) {
                continue;
            }
            // a job runs the recipe's tests too, so it waits for what they need as well
            List<Long> dependsOn = graph.orderDependenciesOf(name).stream()
                    .filter(ids::containsKey)
                    .filter(d -> !broken.contains(new RebuildGraph.Edge(name, d)))
                    .sorted()
                    .map(ids::get)
                    .toList();
            long epoch = settings.buildTime(p.recipe()).epochSeconds();
            String yaml = read(p.recipe());
            ids.put(
                    name,
                    queue.enqueue(new BuildQueue.NewJob(
                            name,
                            inputsSha256(p.plan(), settings.arch(), epoch),
                            settings.arch(),
                            epoch,
                            yaml,
                            MAX_ATTEMPTS,
                            dependsOn)));
        }
        return ids;
    }

    /**
     * The digest of what a build's result depends on: the compiled recipe (pipelines expanded, so a changed
     * pipeline is a new job), the architecture and the epoch.
     */
    static String inputsSha256(BuildPlan plan, String arch, long epoch) {
        String inputs = plan.toYaml() + "\n--- arch " + arch + "\n--- epoch " + epoch + "\n";
        return Hashing.sha256Hex(inputs.getBytes(StandardCharsets.UTF_8));
    }

    private Map<Long, BuildQueue.Job> await(BuildQueue queue, java.util.Collection<Long> ids) {
        Map<Long, JobState> seen = new HashMap<>();
        while (true) {
            queue.failBlocked();
            Map<Long, BuildQueue.Job> done = new HashMap<>();
            for (long id : ids) {
                BuildQueue.Job job = queue.job(id);
                if (seen.put(id, job.state()) != job.state() && job.state() != JobState.QUEUED) {
                    listener.onEvent(ReconcileEvent.of(
                            "job",
                            "    job " + id + " " + job.recipe() + ": "
                                    + job.state().name().toLowerCase(java.util.Locale.ROOT)
                                    + (job.leaseOwner() == null ? "" : " on " + job.leaseOwner()),
                            "job",
                            id,
                            "package",
                            job.recipe(),
                            "state",
                            job.state().name()));
                }
                if (job.state() == JobState.SUCCEEDED || job.state() == JobState.FAILED) {
                    done.put(id, job);
                }
            }
            if (done.size() == ids.size()) {
                return done;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new QueueException("interrupted while waiting for queued builds", e);
            }
        }
    }

    private Result publish(
            long runId,
            BuildQueue queue,
            OutputStore store,
            SharedRepository shared,
            Pending p,
            BuildQueue.Job job,
            ApkSigningKey packageKey,
            Instant start,
            long millis) {
        BuildPlan plan = p.plan();
        List<BuildQueue.Output> outputs = queue.outputs(job.id());
        Path log = null;
        for (BuildQueue.Output o : outputs) {
            if (o.kind().equals("log")) {
                log = settings.logDir().resolve("job-" + job.id() + "-" + o.name());
                try {
                    OutputStores.fetch(store, Digest.parse(o.digest()), log);
                } catch (QueueException e) {
                    log = null;
                }
            }
        }
        PackageStatus status;
        String message = job.message();
        List<String> built = new ArrayList<>();
        List<RebuildOutcome.Built> packages = new ArrayList<>();
        if (job.state() == JobState.FAILED) {
            status = PackageStatus.FAILED;
            listener.onEvent(ReconcileEvent.of(
                    "error", plan.name() + ": " + message, "package", plan.name(), "message", message));
        } else {
            // false: published by an earlier run or a racing reconciler, whose repository already has the packages
            boolean mine = queue.markPublished(job.id());
            try {
                Path incoming = Files.createDirectories(settings.workDir().resolve("incoming-" + job.id()));
                List<Path> apks = new ArrayList<>();
                for (BuildQueue.Output o : outputs) {
                    if (o.kind().equals("apk")) {
                        Path apk = incoming.resolve(o.name());
                        OutputStores.fetch(store, Digest.parse(o.digest()), apk);
                        apks.add(apk);
                        built.add(o.name().replaceFirst("\\.apk$", ""));
                        PkgInfo info = ApkReader.read(apk).pkgInfo();
                        packages.add(new RebuildOutcome.Built(info.name(), info.version(), info.provides()));
                    }
                }
                if (mine) {
                    long epoch = settings.buildTime(p.recipe()).epochSeconds();
                    new ApkRepository(settings.repository()).publish(settings.arch(), apks, packageKey, epoch);
                    shared.publish(settings.arch(), apks, packageKey, epoch);
                } else {
                    message = "published by another reconcile";
                }
                for (Path apk : apks) {
                    Files.deleteIfExists(apk);
                }
                Files.deleteIfExists(incoming);
                status = PackageStatus.BUILT;
            } catch (IOException | RuntimeException e) {
                if (mine) {
                    queue.unmarkPublished(job.id());
                }
                status = PackageStatus.FAILED;
                message = "cannot publish the packages of job " + job.id() + ": " + e.getMessage();
                listener.onEvent(ReconcileEvent.of(
                        "error", plan.name() + ": " + message, "package", plan.name(), "message", message));
            }
        }
        state.recordBuild(
                runId,
                p.recipe().toString(),
                plan.name(),
                Hashing.sha256Hex(read(p.recipe()).getBytes(StandardCharsets.UTF_8)),
                start,
                millis,
                status == PackageStatus.FAILED ? Records.BuildResult.FAILED : Records.BuildResult.SUCCEEDED,
                built,
                log == null ? null : log.toString(),
                message);
        return new Result(
                new PackageOutcome(p.recipe().toString(), plan.name(), plan.fullVersion(), status, message, log),
                packages);
    }

    private static String read(Path recipe) {
        try {
            return Files.readString(recipe, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + recipe, e);
        }
    }

    /** The database URL without credentials, for messages. */
    private static String redacted(String jdbcUrl) {
        return jdbcUrl.replaceFirst("\\?.*$", "").replaceFirst("//[^/@]*@", "//");
    }
}
