package dev.kiln.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.apk.ApkIndex;
import dev.kiln.apk.ApkSigningKey;
import dev.kiln.apk.IndexEntry;
import dev.kiln.apk.TrustedKeys;
import dev.kiln.content.Digest;
import dev.kiln.objects.S3Objects;
import dev.kiln.server.queue.FileOutputStore;
import dev.kiln.server.queue.PackageJobRunner;
import dev.kiln.server.queue.Worker;
import dev.kiln.server.queue.WorkerMain;
import dev.kiln.server.state.BuildQueue;
import dev.kiln.server.state.BuildQueue.AttemptOutcome;
import dev.kiln.server.state.BuildQueue.JobState;
import dev.kiln.server.state.PostgresServer;
import dev.kiln.server.state.StateStore;
import dev.kiln.testkit.S3ProxyProcess;
import dev.kiln.testkit.Tools;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build queue end to end on a real PostgreSQL: a reconciler with {@code --storage} enqueues, worker processes
 * ({@link WorkerMain}, real {@code java} processes) build in the sandbox and the reconciler publishes.
 */
class QueuedBuildsIT {
    static PostgresServer server;
    private static int databases;

    /** a ← b, a ← c, (b, c) ← d by their build environments; slow sleeps long enough to be killed mid-build. */
    static final Map<String, String> CATALOG = Map.of(
            "a", recipe("a", List.of(), "true"),
            "b", recipe("b", List.of("a"), "true"),
            "c", recipe("c", List.of("a"), "true"),
            "d", recipe("d", List.of("b", "c"), "true"),
            "slow", recipe("slow", List.of(), "sleep 8"));

    static String recipe(String name, List<String> needs, String command) {
        StringBuilder env = new StringBuilder();
        if (!needs.isEmpty()) {
            env.append("environment:\n  contents:\n    packages:\n");
            needs.forEach(n -> env.append("      - ").append(n).append('\n'));
        }
        return """
                package:
                  name: %s
                  version: "1.0.0"
                  epoch: 0
                  description: "a fixture of the build queue"
                  copyright:
                    - license: MIT
                %spipeline:
                  - runs: |
                      %s
                      mkdir -p ${{targets.destdir}}/usr/share/%s
                      echo %s > ${{targets.destdir}}/usr/share/%s/name
                """.formatted(name, env, command, name, name, name);
    }

    @BeforeAll
    static void startServer() throws Exception {
        Tools.require("bwrap", "apt-get install bubblewrap");
        server = PostgresServer.startInstalled();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static Settings settings(Path dir, String database, String name) throws Exception {
        return settings(dir, database, name, dir.resolve("outputs").toString(), Map.of());
    }

    private static Settings settings(
            Path dir, String database, String name, String storage, Map<String, String> moreEnv) throws Exception {
        Path recipes = Files.createDirectories(dir.resolve("catalog/recipes"));
        for (Map.Entry<String, String> e : CATALOG.entrySet()) {
            Files.writeString(recipes.resolve(e.getKey() + ".yaml"), e.getValue());
        }
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("SOURCE_DATE_EPOCH", "1700000000");
        env.putAll(moreEnv);
        return Settings.builder()
                .stateDir(dir.resolve(name))
                .repository(dir.resolve(name + "-packages"))
                .catalog(dir.resolve("catalog"))
                .packageKey(dir.resolve("keys/kiln.rsa"))
                .arch("x86_64")
                .unsignedImages(true)
                .database(database)
                .storage(storage)
                .build(env);
    }

    private static List<Path> recipes(Settings settings) throws Exception {
        try (Stream<Path> files = Files.list(settings.catalog().resolve("recipes"))) {
            return files.sorted().toList();
        }
    }

    private static Reconciler.Request packages(List<Path> recipes) {
        return new Reconciler.Request("up", EnumSet.of(Reconciler.Stage.PACKAGES), recipes, List.of(), null);
    }

    private static Process worker(Path dir, Settings settings, int n) throws Exception {
        return worker(dir, settings, n, Map.of());
    }

    private static Process worker(Path dir, Settings settings, int n, Map<String, String> env) throws Exception {
        Path log = dir.resolve("worker-" + n + ".log");
        ProcessBuilder worker = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        WorkerMain.class.getName(),
                        settings.database(),
                        settings.storage(),
                        dir.resolve("worker-" + n).toString(),
                        settings.packageKey().toString(),
                        "3000",
                        "500")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        worker.environment().putAll(env);
        return worker.start();
    }

    @Test
    void threeWorkerProcessesBuildInDependencyOrderAndAKilledWorkersJobRunsAgainElsewhere(@TempDir Path dir)
            throws Exception {
        Settings settings = settings(dir, server.createDatabase("workers_" + databases++), "reconciler");
        SigningKeys.packageKey(settings.packageKey(), ReconcileListener.NONE);
        List<Process> workers = new ArrayList<>();
        try (StateStore state = StateStore.open(settings.database(), Clock.systemUTC());
                BuildQueue queue = BuildQueue.open(settings.database(), Clock.systemUTC())) {
            for (int n = 0; n < 3; n++) {
                workers.add(worker(dir, settings, n));
            }
            Reconciler reconciler = new Reconciler(
                    settings, state, HttpClient.newHttpClient(), Clock.systemUTC(), ReconcileListener.NONE);
            List<Path> recipes = recipes(settings);
            CompletableFuture<Reconciler.Report> running =
                    CompletableFuture.supplyAsync(() -> reconciler.reconcile(packages(recipes)));

            // kill -9 the worker that builds "slow", mid-build
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            Process killed = null;
            while (killed == null && System.nanoTime() < deadline) {
                for (BuildQueue.Job job : queue.jobs()) {
                    if (job.recipe().equals("slow") && job.state() == JobState.RUNNING) {
                        long pid = Long.parseLong(
                                job.leaseOwner().substring(job.leaseOwner().lastIndexOf(':') + 1));
                        killed = workers.stream()
                                .filter(p -> p.pid() == pid)
                                .findFirst()
                                .orElseThrow();
                    }
                }
                Thread.sleep(50);
            }
            assertThat(killed).as("a worker claimed slow").isNotNull();
            killed.destroyForcibly().waitFor();

            Reconciler.Report report = running.get(5, TimeUnit.MINUTES);
            assertThat(report.packages())
                    .allSatisfy(p -> assertThat(p.status())
                            .as(p.name() + ": " + p.message())
                            .isEqualTo(Reconciler.PackageStatus.BUILT));
            assertThat(report.packages()).hasSize(CATALOG.size());
            for (String name : CATALOG.keySet()) {
                assertThat(settings.repository().resolve("x86_64/" + name + "-1.0.0-r0.apk"))
                        .isRegularFile();
            }

            Map<String, BuildQueue.Job> jobs = new HashMap<>();
            queue.jobs().forEach(j -> jobs.put(j.recipe(), j));
            assertThat(jobs).hasSize(CATALOG.size());
            for (BuildQueue.Job job : jobs.values()) {
                assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
                assertThat(job.publishedAt()).isNotNull();
                // in dependency order: every dependency finished before the dependent's successful attempt began
                BuildQueue.Attempt ran = last(queue.attempts(job.id()));
                for (long dependency : queue.dependencies(job.id())) {
                    assertThat(last(queue.attempts(dependency)).finishedAt()).isLessThanOrEqualTo(ran.startedAt());
                }
            }
            assertThat(queue.dependencies(jobs.get("d").id()))
                    .containsExactlyInAnyOrder(jobs.get("b").id(), jobs.get("c").id());
            assertThat(queue.dependencies(jobs.get("b").id()))
                    .containsExactly(jobs.get("a").id());

            List<BuildQueue.Attempt> slow = queue.attempts(jobs.get("slow").id());
            assertThat(slow)
                    .extracting(BuildQueue.Attempt::outcome)
                    .containsExactly(AttemptOutcome.EXPIRED, AttemptOutcome.SUCCEEDED);
            assertThat(slow.get(0).worker()).endsWith(":" + killed.pid());
            assertThat(slow.get(1).worker()).doesNotEndWith(":" + killed.pid());
            assertThat(queue.outputs(jobs.get("slow").id()))
                    .extracting(BuildQueue.Output::kind)
                    .containsExactlyInAnyOrder("apk", "log");

            // published once: a second reconcile finds every package up to date and enqueues nothing
            Reconciler.Report again = reconciler.reconcile(packages(recipes));
            assertThat(again.packages())
                    .allSatisfy(p -> assertThat(p.status()).isEqualTo(Reconciler.PackageStatus.UP_TO_DATE));
            assertThat(queue.jobs()).hasSize(CATALOG.size());
        } finally {
            workers.forEach(Process::destroyForcibly);
        }
    }

    private static BuildQueue.Attempt last(List<BuildQueue.Attempt> attempts) {
        return attempts.get(attempts.size() - 1);
    }

    @Test
    void aResultWhoseDigestDoesNotMatchTheStoredBytesIsRefusedAndTheJobRunsAgain(@TempDir Path dir) throws Exception {
        Settings settings = settings(dir, server.createDatabase("lying_" + databases++), "worker");
        SigningKeys.packageKey(settings.packageKey(), ReconcileListener.NONE);
        FileOutputStore store = new FileOutputStore(Path.of(settings.storage()));
        try (BuildQueue queue = BuildQueue.open(settings.database(), Clock.systemUTC())) {
            long id = queue.enqueue(
                    new BuildQueue.NewJob("a", "inputs", "x86_64", 1_700_000_000L, CATALOG.get("a"), 3, List.of()));

            // a worker that says its package is X while the store holds other bytes under X
            BuildQueue.Claim lying = queue.claim("liar", Duration.ofMinutes(1));
            Path apk = Files.writeString(dir.resolve("a-1.0.0-r0.apk"), "a real package");
            Digest claimed =
                    Digest.sha256("what the worker says it built".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            Files.createDirectories(store.pathOf(claimed).getParent());
            Files.copy(apk, store.pathOf(claimed));
            Worker.Submitted submitted = Worker.submit(
                    queue,
                    store,
                    lying,
                    List.of(new BuildQueue.Output(apk.getFileName().toString(), "apk", claimed.toString(), 14)),
                    null);
            assertThat(submitted).isEqualTo(Worker.Submitted.REFUSED);
            assertThat(queue.job(id).state()).isEqualTo(JobState.QUEUED);
            assertThat(queue.job(id).message()).contains("a-1.0.0-r0.apk: the bytes stored under " + claimed + " are ");
            assertThat(queue.outputs(id)).isEmpty();

            // an honest worker builds it again and its result is taken
            Worker honest = new Worker(
                    "honest",
                    queue,
                    store,
                    new PackageJobRunner(settings, HttpClient.newHttpClient(), ReconcileListener.NONE),
                    dir.resolve("scratch"),
                    new Worker.Options(Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofMillis(50), true),
                    ReconcileListener.NONE);
            assertThat(honest.runOne()).isEqualTo(Worker.Submitted.COMPLETED);
            assertThat(queue.attempts(id))
                    .extracting(BuildQueue.Attempt::outcome)
                    .containsExactly(AttemptOutcome.REFUSED, AttemptOutcome.SUCCEEDED);
            BuildQueue.Output built = queue.outputs(id).stream()
                    .filter(o -> o.kind().equals("apk"))
                    .findFirst()
                    .orElseThrow();
            assertThat(Digest.sha256(store.pathOf(Digest.parse(built.digest()))))
                    .hasToString(built.digest());
        }
    }

    @Test
    void aFailedBuildsLogReachesTheReconcilerThroughTheOutputStore(@TempDir Path dir) throws Exception {
        Settings settings = settings(dir, server.createDatabase("failing_" + databases++), "reconciler");
        Path broken = settings.catalog().resolve("recipes/broken.yaml");
        Files.writeString(broken, recipe("broken", List.of(), "echo the-reason-it-broke; exit 3"));
        SigningKeys.packageKey(settings.packageKey(), ReconcileListener.NONE);
        Process worker = worker(dir, settings, 0);
        try (StateStore state = StateStore.open(settings.database(), Clock.systemUTC())) {
            Reconciler reconciler = new Reconciler(
                    settings, state, HttpClient.newHttpClient(), Clock.systemUTC(), ReconcileListener.NONE);
            Reconciler.Report report = reconciler.reconcile(packages(List.of(broken)));

            Reconciler.PackageOutcome failed = report.packages().get(0);
            assertThat(failed.status()).isEqualTo(Reconciler.PackageStatus.FAILED);
            Path log =
                    java.util.Objects.requireNonNull(failed.log(), "the worker's log, fetched from the output store");
            assertThat(log).startsWith(settings.logDir());
            assertThat(Files.readString(log)).contains("the-reason-it-broke");
        } finally {
            worker.destroyForcibly().waitFor();
        }
    }

    @Test
    void twoReconcilersRacingEnqueueEachJobOnceAndPublishEachOnce(@TempDir Path dir) throws Exception {
        String database = server.createDatabase("racing_" + databases++);
        Settings first = settings(dir, database, "first");
        Settings second = settings(dir, database, "second");
        SigningKeys.packageKey(first.packageKey(), ReconcileListener.NONE);
        List<Process> workers = List.of(worker(dir, first, 0), worker(dir, first, 1));
        try (StateStore one = StateStore.open(database, Clock.systemUTC());
                StateStore two = StateStore.open(database, Clock.systemUTC());
                BuildQueue queue = BuildQueue.open(database, Clock.systemUTC())) {
            List<Path> recipes = recipes(first).stream()
                    .filter(r -> !r.getFileName().toString().equals("slow.yaml"))
                    .toList();
            CompletableFuture<Reconciler.Report> a = CompletableFuture.supplyAsync(() -> new Reconciler(
                            first, one, HttpClient.newHttpClient(), Clock.systemUTC(), ReconcileListener.NONE)
                    .reconcile(packages(recipes)));
            CompletableFuture<Reconciler.Report> b = CompletableFuture.supplyAsync(() -> new Reconciler(
                            second, two, HttpClient.newHttpClient(), Clock.systemUTC(), ReconcileListener.NONE)
                    .reconcile(packages(recipes)));
            List<Reconciler.PackageOutcome> outcomes =
                    new ArrayList<>(a.get(5, TimeUnit.MINUTES).packages());
            outcomes.addAll(b.get(5, TimeUnit.MINUTES).packages());

            assertThat(queue.jobs()).hasSize(recipes.size()).allSatisfy(j -> {
                assertThat(j.attempts()).isEqualTo(1);
                assertThat(j.publishedAt()).isNotNull();
            });
            assertThat(outcomes).allSatisfy(o -> assertThat(o.status()).isEqualTo(Reconciler.PackageStatus.BUILT));
            // each package copied into exactly one of the two repositories: the reconciler that marked it published
            for (Path recipe : recipes) {
                String apk = "x86_64/" + recipe.getFileName().toString().replace(".yaml", "") + "-1.0.0-r0.apk";
                assertThat(Stream.of(first, second)
                                .filter(s -> Files.exists(s.repository().resolve(apk)))
                                .count())
                        .as(apk)
                        .isEqualTo(1);
            }
        } finally {
            workers.forEach(Process::destroyForcibly);
        }
    }

    /**
     * The same race over S3 storage (S3Proxy): outputs go to the bucket, and besides its own repository folder each
     * reconciler publishes into the shared repository beside them, whose index ends up listing every package even
     * though each reconciler published only the jobs it marked.
     */
    @Test
    void reconcilersOnS3StoragePublishEveryPackageIntoTheSharedRepository(@TempDir Path dir) throws Exception {
        String database = server.createDatabase("s3_" + databases++);
        try (S3ProxyProcess s3 = S3ProxyProcess.start(dir.resolve("s3proxy"))) {
            String storage = s3.bucket("kiln", "catalog");
            // atomic conditional writes, as S3 has them: S3Proxy alone lets racing If-Match writers all win
            Map<String, String> aws = s3.atomicEnvironment();
            Settings first = settings(dir, database, "first", storage, aws);
            Settings second = settings(dir, database, "second", storage, aws);
            SigningKeys.packageKey(first.packageKey(), ReconcileListener.NONE);
            List<Process> workers = List.of(worker(dir, first, 0, aws), worker(dir, first, 1, aws));
            try (StateStore one = StateStore.open(database, Clock.systemUTC());
                    StateStore two = StateStore.open(database, Clock.systemUTC())) {
                List<Path> recipes = recipes(first).stream()
                        .filter(r -> !r.getFileName().toString().equals("slow.yaml"))
                        .toList();
                CompletableFuture<Reconciler.Report> a = CompletableFuture.supplyAsync(() -> new Reconciler(
                                first, one, HttpClient.newHttpClient(), Clock.systemUTC(), ReconcileListener.NONE)
                        .reconcile(packages(recipes)));
                CompletableFuture<Reconciler.Report> b = CompletableFuture.supplyAsync(() -> new Reconciler(
                                second, two, HttpClient.newHttpClient(), Clock.systemUTC(), ReconcileListener.NONE)
                        .reconcile(packages(recipes)));
                List<Reconciler.PackageOutcome> outcomes =
                        new ArrayList<>(a.get(5, TimeUnit.MINUTES).packages());
                outcomes.addAll(b.get(5, TimeUnit.MINUTES).packages());
                assertThat(outcomes)
                        .allSatisfy(o -> assertThat(o.status())
                                .as(String.valueOf(o.message()))
                                .isEqualTo(Reconciler.PackageStatus.BUILT));

                Path index = dir.resolve("shared-APKINDEX.tar.gz");
                try (S3Objects objects = S3Objects.open(SharedRepository.location(storage), s3.environment())) {
                    Files.write(
                            index,
                            objects.get("x86_64/APKINDEX.tar.gz").orElseThrow().bytes());
                    for (Path recipe : recipes) {
                        String name = recipe.getFileName().toString().replace(".yaml", "");
                        assertThat(objects.head("x86_64/" + name + "-1.0.0-r0.apk"))
                                .as(name)
                                .isPresent();
                    }
                }
                ApkSigningKey key = ApkSigningKey.load(first.packageKey());
                assertThat(ApkIndex.read(index, TrustedKeys.of(key)).entries().stream()
                                .map(IndexEntry::name)
                                .sorted())
                        .containsExactly("a", "b", "c", "d");
                assertThat(dir.resolve("outputs")).doesNotExist();
            } finally {
                workers.forEach(Process::destroyForcibly);
            }
        }
    }

    /**
     * Over S3 storage, a reconciler's images see the shared repository: reconciler A's worker builds and A publishes
     * package a; reconciler B, which built and published nothing, assembles an image of a from its own (empty)
     * repository and its verified mirror of the shared one.
     */
    @Test
    void aReconcilersImagesInstallPackagesAnotherReconcilerPublished(@TempDir Path dir) throws Exception {
        String database = server.createDatabase("images_" + databases++);
        try (S3ProxyProcess s3 = S3ProxyProcess.start(dir.resolve("s3proxy"));
                dev.kiln.registry.RegistryServer registry = new dev.kiln.registry.RegistryServer(
                                dev.kiln.registry.RegistryConfig.builder(dir.resolve("registry"))
                                        .addr("127.0.0.1:0")
                                        .build())
                        .start()) {
            String storage = s3.bucket("kiln", "catalog");
            Settings a = settings(dir, database, "a", storage, s3.environment());
            Settings b = settings(dir, database, "b", storage, s3.environment());
            SigningKeys.packageKey(a.packageKey(), ReconcileListener.NONE);
            Process worker = worker(dir, a, 0, s3.environment());
            try (StateStore one = StateStore.open(database, Clock.systemUTC());
                    StateStore two = StateStore.open(database, Clock.systemUTC())) {
                Reconciler.Report built = new Reconciler(
                                a, one, HttpClient.newHttpClient(), Clock.systemUTC(), ReconcileListener.NONE)
                        .reconcile(packages(List.of(a.catalog().resolve("recipes/a.yaml"))));
                assertThat(built.packages())
                        .singleElement()
                        .satisfies(p -> assertThat(p.status())
                                .as(String.valueOf(p.message()))
                                .isEqualTo(Reconciler.PackageStatus.BUILT));
                assertThat(b.repository()).doesNotExist();

                Path image = Files.writeString(
                        Files.createDirectories(dir.resolve("catalog/images")).resolve("only-a.yaml"), """
                                contents:
                                  repositories:
                                    - ../../b-packages
                                  keyring:
                                    - ../../keys/kiln.rsa.pub
                                  packages:
                                    - a
                                archs:
                                  - x86_64
                                """);
                List<ReconcileEvent> events = new ArrayList<>();
                Reconciler.Report images = new Reconciler(
                                b, two, HttpClient.newHttpClient(), Clock.systemUTC(), events::add)
                        .reconcile(new Reconciler.Request(
                                "up",
                                EnumSet.of(Reconciler.Stage.IMAGES),
                                List.of(),
                                List.of(image),
                                new Reconciler.RegistryTarget(registry.address(), null)));
                assertThat(images.failed()).isFalse();
                assertThat(images.images())
                        .singleElement()
                        .satisfies(i -> assertThat(i.pushed()).isTrue());
                assertThat(two.images(images.runId()))
                        .singleElement()
                        .satisfies(p -> assertThat(p.packageCount()).isEqualTo(1));
                assertThat(SharedRepository.mirrorDir(b).resolve("x86_64/a-1.0.0-r0.apk"))
                        .isRegularFile();
                assertThat(events).extracting(ReconcileEvent::text).anyMatch(t -> t.contains("shared repository"));
            } finally {
                worker.destroyForcibly();
            }
        }
    }

    /**
     * The update bot with {@code --storage}: a new upstream tag is checked and the recipe bumped here, and its rebuild
     * is a job of the queue, built by a worker process and published by the reconciler, not built in process.
     */
    @Test
    void theUpdateBotsRebuildsGoThroughTheQueue(@TempDir Path dir) throws Exception {
        Tools.require("git", "apt-get install git");
        String database = server.createDatabase("update_" + databases++);
        try (dev.kiln.testkit.FixtureGitRepo upstream = new dev.kiln.testkit.FixtureGitRepo(dir.resolve("upstream"))) {
            upstream.commit("1.0.0", Map.of("VERSION", "1.0.0\n"));
            String c1 = upstream.lightweightTag("v1.0.0");
            Settings settings = settings(dir, database, "reconciler");
            Path recipe = settings.catalog().resolve("recipes/greet.yaml");
            Files.writeString(recipe, """
                    package:
                      name: greet
                      version: "1.0.0"
                      epoch: 0
                      description: "follows its upstream's tags"
                      copyright:
                        - license: MIT
                    pipeline:
                      - uses: git-checkout
                        with:
                          repository: REPO
                          tag: v${{package.version}}
                          expected-commit: COMMIT
                      - runs: |
                          mkdir -p ${{targets.destdir}}/usr/share/greet
                          cp VERSION ${{targets.destdir}}/usr/share/greet/VERSION
                    update:
                      enabled: true
                      git:
                        strip-prefix: v
                    """.replace("REPO", upstream.url()).replace("COMMIT", c1));
            upstream.commit("1.1.0", Map.of("VERSION", "1.1.0\n"));
            upstream.lightweightTag("v1.1.0");
            SigningKeys.packageKey(settings.packageKey(), ReconcileListener.NONE);
            Process worker = worker(dir, settings, 0);
            try (StateStore state = StateStore.open(settings.database(), Clock.systemUTC());
                    BuildQueue queue = BuildQueue.open(settings.database(), Clock.systemUTC())) {
                Reconciler.Report report = new Reconciler(
                                settings, state, HttpClient.newHttpClient(), Clock.systemUTC(), ReconcileListener.NONE)
                        .reconcile(new Reconciler.Request(
                                "update", EnumSet.of(Reconciler.Stage.UPSTREAMS), List.of(recipe), List.of(), null));

                dev.kiln.update.UpdateRun.PackageReport greet =
                        java.util.Objects.requireNonNull(report.updates()).packages().stream()
                                .filter(p -> p.packageName().equals("greet"))
                                .findFirst()
                                .orElseThrow();
                assertThat(greet.outcome())
                        .as(String.valueOf(greet.error()))
                        .isEqualTo(dev.kiln.update.UpdateRun.Outcome.PUBLISHED);
                assertThat(Files.readString(recipe)).contains("version: \"1.1.0\"");
                assertThat(queue.jobs()).singleElement().satisfies(job -> {
                    assertThat(job.recipe()).isEqualTo("greet");
                    assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
                    assertThat(job.publishedAt()).isNotNull();
                    assertThat(job.attempts()).isEqualTo(1);
                    assertThat(queue.attempts(job.id()).get(0).worker()).endsWith(":" + worker.pid());
                });
                assertThat(settings.repository().resolve("x86_64/greet-1.1.0-r0.apk"))
                        .isRegularFile();
            } finally {
                worker.destroyForcibly();
            }
        }
    }

    /**
     * Workers on S3 storage share the upstream files they fetch: the first worker downloads the tarball and stores it
     * in the bucket; a second worker, with its own empty cache, builds another recipe of the same file without asking
     * the upstream.
     */
    @Test
    void workersOnS3StorageShareTheUpstreamFilesTheyFetch(@TempDir Path dir) throws Exception {
        String database = server.createDatabase("sources_" + databases++);
        byte[] tarball = "an upstream release".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String sha256 = dev.kiln.content.Hashing.sha256Hex(tarball);
        try (S3ProxyProcess s3 = S3ProxyProcess.start(dir.resolve("s3proxy"));
                dev.kiln.testkit.FixtureHttpServer upstream = new dev.kiln.testkit.FixtureHttpServer()) {
            String url = upstream.put("/release-1.0.tar.gz", tarball);
            String storage = s3.bucket("kiln", "catalog");
            Settings settings = settings(dir, database, "reconciler", storage, s3.environment());
            for (String name : List.of("first", "second")) {
                Files.writeString(
                        settings.catalog().resolve("recipes/" + name + ".yaml"),
                        """
                        package:
                          name: NAME
                          version: "1.0.0"
                          epoch: 0
                          description: "built from a shared upstream file"
                          copyright:
                            - license: MIT
                        pipeline:
                          - uses: fetch
                            with:
                              uri: URL
                              expected-sha256: SHA
                              extract: "false"
                          - runs: |
                              mkdir -p ${{targets.destdir}}/usr/share/NAME
                              echo NAME > ${{targets.destdir}}/usr/share/NAME/name
                        """.replace("NAME", name).replace("URL", url).replace("SHA", sha256));
            }
            SigningKeys.packageKey(settings.packageKey(), ReconcileListener.NONE);
            try (StateStore state = StateStore.open(database, Clock.systemUTC())) {
                Reconciler reconciler = new Reconciler(
                        settings, state, HttpClient.newHttpClient(), Clock.systemUTC(), ReconcileListener.NONE);
                for (int n = 0; n < 2; n++) {
                    String name = n == 0 ? "first" : "second";
                    Process worker = worker(dir, settings, n, s3.environment());
                    try {
                        Reconciler.Report report = reconciler.reconcile(
                                packages(List.of(settings.catalog().resolve("recipes/" + name + ".yaml"))));
                        assertThat(report.packages())
                                .singleElement()
                                .satisfies(p -> assertThat(p.status())
                                        .as(String.valueOf(p.message()))
                                        .isEqualTo(Reconciler.PackageStatus.BUILT));
                    } finally {
                        worker.destroyForcibly().waitFor();
                    }
                    assertThat(upstream.requestCount())
                            .as("only the first worker asks the upstream")
                            .isEqualTo(1);
                }
            }
            try (S3Objects objects =
                    S3Objects.open(dev.kiln.objects.S3Location.parse(storage).resolve("sources"), s3.environment())) {
                assertThat(objects.get("sha256/" + sha256).orElseThrow().bytes())
                        .isEqualTo(tarball);
            }
            assertThat(dir.resolve("worker-1/cache/sha256/" + sha256)).hasBinaryContent(tarball);
        }
    }
}
