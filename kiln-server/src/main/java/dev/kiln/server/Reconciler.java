package dev.kiln.server;

import dev.kiln.apk.ApkIndex;
import dev.kiln.apk.ApkReader;
import dev.kiln.apk.ApkSigningKey;
import dev.kiln.attest.Attestation;
import dev.kiln.build.BuildOptions;
import dev.kiln.build.BuildTime;
import dev.kiln.content.Digest;
import dev.kiln.content.Hashing;
import dev.kiln.image.ImageBuilder;
import dev.kiln.image.ImageException;
import dev.kiln.image.ImageProvenance;
import dev.kiln.image.ImagePublisher;
import dev.kiln.image.ImageSpec;
import dev.kiln.image.ImageSpecLoader;
import dev.kiln.image.TagPlan;
import dev.kiln.oci.ImageReference;
import dev.kiln.oci.distribution.Credentials;
import dev.kiln.oci.distribution.RegistryClient;
import dev.kiln.oci.distribution.RegistrySink;
import dev.kiln.recipe.BuildPlan;
import dev.kiln.recipe.CompileOptions;
import dev.kiln.recipe.PackagePlan;
import dev.kiln.recipe.PipelineLibrary;
import dev.kiln.recipe.Recipe;
import dev.kiln.recipe.RecipeCompiler;
import dev.kiln.recipe.RecipeException;
import dev.kiln.recipe.RecipeLoader;
import dev.kiln.recipe.Recipes;
import dev.kiln.server.state.Records;
import dev.kiln.server.state.StateStore;
import dev.kiln.update.Backoff;
import dev.kiln.update.CheckResult;
import dev.kiln.update.DeltaMinimizer;
import dev.kiln.update.GitTagMonitor;
import dev.kiln.update.GnuPatch;
import dev.kiln.update.RebuildOutcome;
import dev.kiln.update.Rebuilder;
import dev.kiln.update.RecipeBumper;
import dev.kiln.update.UpdateApplier;
import dev.kiln.update.UpdateChecker;
import dev.kiln.update.UpdateRun;
import dev.kiln.update.UpstreamSources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The one reconcile behind {@code kiln up}, {@code kiln update run} and (later) the server: check
 * upstreams, bump and rebuild in rebuild order (UPSTREAMS), build every recipe whose published
 * packages do not embed its compiled form (PACKAGES), then build, push, sign and attest every image
 * (IMAGES), recording each step in the state store and reporting it to the listener as it happens.
 * Every build, whichever stage asks for it, goes through one {@link Rebuilder} made from
 * {@link Settings}, so all stages build with the same options. With {@code --storage} set, PACKAGES and the update
 * bot's rebuilds (UPSTREAMS) enqueue their builds for {@code kiln worker}s instead ({@link QueuedBuilds}).
 */
public final class Reconciler {
    public enum Stage {
        UPSTREAMS,
        PACKAGES,
        IMAGES
    }

    /** Where images go: the registry's address and the push credentials (null for anonymous). */
    public record RegistryTarget(String address, Credentials credentials) {
        public RegistryTarget {
            Objects.requireNonNull(address, "address");
        }
    }

    /**
     * One reconcile's scope. {@code kind} names the run in the record ({@code up}, {@code update});
     * {@code registry} is needed only with IMAGES.
     */
    public record Request(
            String kind,
            Set<Stage> stages,
            List<Path> recipes,
            List<Path> images,
            @Nullable RegistryTarget registry) {
        public Request(
                String kind,
                Set<Stage> stages,
                List<Path> recipes,
                List<Path> images,
                @Nullable RegistryTarget registry) {
            // explicit, not compact: javac writes @Nullable of a compact constructor's parameters nowhere in the
            // class file, so NullAway in another module (the CLI) would reject a request without a registry
            if (stages.contains(Stage.IMAGES) && registry == null) {
                throw new IllegalArgumentException("the IMAGES stage needs a registry");
            }
            this.kind = kind;
            this.stages = stages.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(stages));
            this.recipes = List.copyOf(recipes);
            this.images = List.copyOf(images);
            this.registry = registry;
        }
    }

    public enum PackageStatus {
        BUILT,
        UP_TO_DATE,
        FAILED
    }

    public record PackageOutcome(
            String recipe,
            String name,
            @Nullable String version,
            PackageStatus status,
            @Nullable String message,
            @Nullable Path log) {
        public boolean built() {
            return status == PackageStatus.BUILT;
        }
    }

    public record ImageOutcome(String name, ImageReference reference, boolean pushed, boolean signed) {}

    /** An image this run did not publish, and why. */
    public record Unpublished(String name, String reason) {
        @Override
        public String toString() {
            return name + " (" + reason + ")";
        }
    }

    /**
     * What a reconcile did. {@code updates} is null without UPSTREAMS; {@code problems} are recipes that
     * did not load; {@code imagesNotPublished} names each image not published, with why (a recipe it needs failed, or
     * its assembly did), empty when every image was.
     */
    public record Report(
            long runId,
            List<String> problems,
            UpdateRun.@Nullable Report updates,
            List<PackageOutcome> packages,
            List<ImageOutcome> images,
            List<Unpublished> imagesNotPublished) {
        public Report {
            problems = List.copyOf(problems);
            packages = List.copyOf(packages);
            images = List.copyOf(images);
            imagesNotPublished = List.copyOf(imagesNotPublished);
        }

        public boolean failed() {
            return !problems.isEmpty()
                    || (updates != null && updates.failed())
                    || !imagesNotPublished.isEmpty()
                    || packages.stream().anyMatch(p -> p.status() == PackageStatus.FAILED);
        }
    }

    private final Settings settings;
    private final @Nullable StateStore store;
    private final HttpClient http;
    private final Clock clock;
    private final ReconcileListener listener;

    /** {@code state} may be null for a reconciler used only for {@link #applier} and {@link #rebuilder()}. */
    public Reconciler(
            Settings settings, @Nullable StateStore state, HttpClient http, Clock clock, ReconcileListener listener) {
        this.settings = settings;
        this.store = state;
        this.http = http;
        this.clock = clock;
        this.listener = listener;
    }

    /** The state store; only {@link #reconcile} needs one. */
    private StateStore state() {
        return Objects.requireNonNull(
                store, "a Reconciler made without a state store only gives appliers and rebuilders");
    }

    public Report reconcile(Request request) {
        long runId = state().startRun(request.kind());
        Records.RunStatus status = Records.RunStatus.FAILED;
        String summary = "stopped by an error";
        try {
            Report report = run(runId, request);
            status = report.failed() ? Records.RunStatus.FAILED : Records.RunStatus.SUCCEEDED;
            summary = summary(report);
            return report;
        } catch (RuntimeException e) {
            summary = e.getMessage() == null ? e.toString() : e.getMessage();
            throw e;
        } finally {
            state().finishRun(runId, status, summary);
            // the web catalog's live activity reloads on this to show the run's record
            listener.onEvent(ReconcileEvent.of(
                    "finished",
                    "==> run " + runId + " " + status.name().toLowerCase(java.util.Locale.ROOT) + ": " + summary,
                    "run",
                    runId,
                    "status",
                    status.name(),
                    "summary",
                    summary));
        }
    }

    private Report run(long runId, Request request) {
        // created up front: image configs name its public half as their keyring
        ApkSigningKey packageKey = SigningKeys.packageKey(settings.packageKey(), listener);
        // Decrypted on first use, at most once: a run with nothing to build or sign needs no image key (its
        // scrypt alone took a tenth of a second of a nothing-to-do `kiln up`). It also signs package provenance.
        Once<dev.kiln.attest.SigningKey> imageKey = new Once<>(() -> SigningKeys.imageKey(settings, listener));
        // with --storage the update bot's rebuilds go through the build queue too (QueuedBuilds records each)
        Rebuilder rebuilder = settings.storage() == null
                ? recording(
                        runId,
                        UpdatePorts.rebuilder(
                                settings.packageBuilder(http),
                                settings.pipelineDirs(),
                                settings.arch(),
                                recipe -> buildOptions(recipe, packageKey, imageKey)))
                : recipe -> new QueuedBuilds(settings, state(), clock, listener).rebuild(runId, recipe, packageKey);

        List<String> problems = new ArrayList<>();
        UpdateRun.Report updates = null;
        if (request.stages().contains(Stage.UPSTREAMS)) {
            listener.onEvent(ReconcileEvent.of("stage", "==> checking upstreams", "stage", "upstreams"));
            List<Recipe> recipes = UpdatePorts.load(request.recipes(), settings.pipelineDirs(), problems);
            problems.forEach(p -> listener.onEvent(ReconcileEvent.of("error", p, "message", p)));
            Path catalog = request.recipes().isEmpty()
                    ? settings.catalog()
                    : Objects.requireNonNull(
                            request.recipes().get(0).toAbsolutePath().getParent(),
                            "an absolute file path has a parent");
            updates = updateRun(rebuilder).pass(catalog, recipes);
            for (UpdateRun.PackageReport p : updates.packages()) {
                CheckResult c = p.check();
                state().recordCheck(
                                runId,
                                c.recipe(),
                                c.packageName(),
                                c.current(),
                                c.newest() == null ? null : c.newest().version(),
                                c.monitor(),
                                c.status().name(),
                                c.message());
            }
        }
        // loaded after UPSTREAMS, whose bumps rewrite recipes; the build order and the package facts share it
        Once<CatalogGraph> catalog = new Once<>(() -> CatalogGraph.of(request.recipes(), settings));
        List<PackageOutcome> packages = new ArrayList<>();
        if (request.stages().contains(Stage.PACKAGES)) {
            listener.onEvent(ReconcileEvent.of("stage", "==> building packages", "stage", "packages"));
            if (settings.storage() == null) {
                if (settings.buildsFromRepositories()) {
                    ensureIndex(packageKey);
                }
                for (Path recipe : catalog.get().inRebuildOrder()) {
                    PackageOutcome outcome = reconcilePackage(recipe, rebuilder);
                    if (outcome != null) {
                        packages.add(outcome);
                    }
                }
            } else {
                packages.addAll(queuePackages(runId, request.recipes(), packageKey));
            }
        }
        if (!request.stages().isEmpty() && !request.recipes().isEmpty()) {
            recordPackageFacts(catalog.get());
        }
        List<ImageOutcome> images = new ArrayList<>();
        List<Unpublished> notPublished = new ArrayList<>();
        if (request.stages().contains(Stage.IMAGES)) {
            Set<String> failed = packages.stream()
                    .filter(p -> p.status() == PackageStatus.FAILED)
                    .map(PackageOutcome::name)
                    .collect(Collectors.toCollection(TreeSet::new));
            images = reconcileImages(
                    runId, request, imageKey, packageKey, new FailedRecipes(failed, clock), notPublished);
        }
        return new Report(runId, problems, updates, packages, images, notPublished);
    }

    /** Builds that resolve from the catalog's own repository need its index to exist, empty at first. */
    private void ensureIndex(ApkSigningKey packageKey) {
        Long epoch = settings.sourceDateEpoch();
        new dev.kiln.apk.ApkRepository(settings.repository())
                .ensureIndex(settings.arch(), packageKey, epoch == null ? 0 : epoch);
    }

    /**
     * The build options of every build this reconciler starts: the settings' own, with its listener. The
     * build time is the configured epoch, else the recipe's last commit time ({@link BuildTime}).
     */
    private BuildOptions buildOptions(
            Path recipe, ApkSigningKey packageKey, Supplier<dev.kiln.attest.SigningKey> imageKeyOnce) {
        BuildTime buildTime = settings.buildTime(recipe);
        if (buildTime.warning() != null) {
            listener.onEvent(
                    ReconcileEvent.of("warning", "warning: " + buildTime.warning(), "message", buildTime.warning()));
        }
        BuildOptions options = settings.buildOptions(packageKey, listener.asBuildListener())
                .withSourceDateEpoch(buildTime.epochSeconds());
        dev.kiln.attest.SigningKey imageKey = imageKeyOnce.get();
        return imageKey == null ? options : options.withAttestKey(imageKey);
    }

    private UpdateRun updateRun(Rebuilder rebuilder) {
        UpdateChecker checker = UpstreamMonitors.checker(http, settings.upstreams(), settings.environment());
        UpdateApplier applier = applier(rebuilder);
        Path index = settings.index();
        return new UpdateRun(
                checker,
                applier,
                rebuilder,
                () -> Files.exists(index) ? ApkIndex.readUnverified(index) : ApkIndex.of(List.of()),
                new RecipeCompiler(PipelineLibrary.withBuiltins(settings.pipelineDirs())),
                CompileOptions.forArch(settings.arch()));
    }

    /** The bump-build-publish step of the update bot, building through {@code rebuilder}. */
    public UpdateApplier applier(Rebuilder rebuilder) {
        UpstreamSources sources = UpdatePorts.sources(settings.cacheDir(), http);
        RecipeLoader loader = new RecipeLoader(settings.pipelineDirs());
        RecipeCompiler compiler = new RecipeCompiler(PipelineLibrary.withBuiltins(settings.pipelineDirs()));
        CompileOptions compile = CompileOptions.forArch(settings.arch());
        return new UpdateApplier(
                loader,
                compiler,
                compile,
                new RecipeBumper(loader, compiler, compile, sources, new GitTagMonitor(Backoff.DEFAULT)),
                new DeltaMinimizer(new GnuPatch(settings.upstreams().patch())),
                sources,
                rebuilder);
    }

    /** A rebuilder that builds with this reconciler's settings and records nothing (for {@code kiln update apply}). */
    public Rebuilder rebuilder() {
        ApkSigningKey packageKey = SigningKeys.packageKey(settings.packageKey(), listener);
        return UpdatePorts.rebuilder(
                settings.packageBuilder(http),
                settings.pipelineDirs(),
                settings.arch(),
                recipe -> buildOptions(recipe, packageKey, () -> null));
    }

    /**
     * With {@code --storage}: every recipe whose published packages do not embed its compiled form becomes a job of
     * the build queue, built by {@code kiln worker}s; the outcomes of the others are decided here as in process.
     */
    private List<PackageOutcome> queuePackages(long runId, List<Path> recipes, ApkSigningKey packageKey) {
        List<PackageOutcome> outcomes = new ArrayList<>();
        List<QueuedBuilds.Pending> pending = new ArrayList<>();
        for (Path recipe : recipes) {
            BuildPlan plan;
            try {
                plan = Recipes.compile(recipe, settings.pipelineDirs(), CompileOptions.forArch(settings.arch()));
            } catch (RecipeException e) {
                String message = Objects.requireNonNullElse(e.getMessage(), e.toString());
                listener.onEvent(ReconcileEvent.of("error", message, "message", message));
                outcomes.add(new PackageOutcome(
                        recipe.toString(), recipe.getFileName().toString(), null, PackageStatus.FAILED, message, null));
                continue;
            }
            if (plan.skippedForArch()) {
                continue;
            }
            if (upToDate(plan)) {
                outcomes.add(new PackageOutcome(
                        recipe.toString(), plan.name(), plan.fullVersion(), PackageStatus.UP_TO_DATE, null, null));
            } else {
                pending.add(new QueuedBuilds.Pending(recipe, plan));
            }
        }
        outcomes.addAll(new QueuedBuilds(settings, state(), clock, listener).build(runId, pending, packageKey));
        return outcomes;
    }

    /** Builds a recipe unless its published packages embed exactly its compiled form; null when it skips this arch. */
    private @Nullable PackageOutcome reconcilePackage(Path recipe, Rebuilder rebuilder) {
        BuildPlan plan;
        try {
            plan = Recipes.compile(recipe, settings.pipelineDirs(), CompileOptions.forArch(settings.arch()));
        } catch (RecipeException e) {
            String message = Objects.requireNonNullElse(e.getMessage(), e.toString());
            listener.onEvent(ReconcileEvent.of("error", message, "message", message));
            return new PackageOutcome(
                    recipe.toString(), recipe.getFileName().toString(), null, PackageStatus.FAILED, message, null);
        }
        if (plan.skippedForArch()) {
            return null;
        }
        if (upToDate(plan)) {
            return new PackageOutcome(
                    recipe.toString(), plan.name(), plan.fullVersion(), PackageStatus.UP_TO_DATE, null, null);
        }
        RebuildOutcome outcome = rebuilder.rebuild(recipe);
        if (!outcome.success()) {
            listener.onEvent(ReconcileEvent.of(
                    "error",
                    plan.name() + ": " + outcome.message(),
                    "package",
                    plan.name(),
                    "message",
                    outcome.message(),
                    "log",
                    outcome.log() == null ? null : outcome.log().toString()));
        }
        return new PackageOutcome(
                recipe.toString(),
                plan.name(),
                plan.fullVersion(),
                outcome.success() ? PackageStatus.BUILT : PackageStatus.FAILED,
                outcome.message(),
                outcome.log());
    }

    /** True when every package of the plan is published and embeds exactly this compiled recipe. */
    private boolean upToDate(BuildPlan plan) {
        byte[] compiled = plan.toYaml().getBytes(StandardCharsets.UTF_8);
        List<PackagePlan> packages = new ArrayList<>();
        packages.add(plan.mainPackage());
        packages.addAll(plan.subpackages());
        for (PackagePlan pkg : packages) {
            Path apk = settings.repository()
                    .resolve(settings.arch())
                    .resolve(pkg.name() + "-" + plan.fullVersion() + ".apk");
            if (!Files.isRegularFile(apk)) {
                return false;
            }
            // the control streams only: the data is not unpacked to learn what the package was made from
            byte[] embedded = ApkReader.controlFiles(apk).get(".melange.yaml");
            if (embedded == null || !Arrays.equals(embedded, compiled)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Builds and pushes every image whose inputs changed; with an image key, signs each pushed image and attests its
     * SBOM and SLSA provenance (both storage layouts), and signs again only what changed or was never signed. An
     * image a failed recipe holds back, or whose assembly fails (a package it names does not resolve), is not
     * published and is named in {@code notPublished} with the reason; the others go on.
     */
    private List<ImageOutcome> reconcileImages(
            long runId,
            Request request,
            Once<dev.kiln.attest.SigningKey> imageKey,
            ApkSigningKey packageKey,
            FailedRecipes failed,
            List<Unpublished> notPublished) {
        RegistryTarget registry = Objects.requireNonNull(request.registry(), "Request requires a registry for IMAGES");
        List<Path> shared = SharedRepository.forImages(settings, packageKey, listener);
        RegistryClient client = new RegistryClient(http, registry.credentials());
        ImageScans scans = new ImageScans(settings, client, state(), listener, clock);
        ImagePublisher publisher = new ImagePublisher(new ImageBuilder(clock), new RegistrySink(client));
        List<ImageOutcome> outcomes = new ArrayList<>();
        // images resolve from the repositories their packages were built on too (the catalog's libc comes from the
        // toolchain's repository), as apko's --repository-append and --keyring-append
        List<Path> extra = new ArrayList<>(shared);
        settings.appendedRepositories().forEach(r -> extra.add(Path.of(r)));
        for (Path config : request.images()) {
            String name = ImageAttestations.imageName(config);
            listener.onEvent(
                    ReconcileEvent.of("phase", "==> image " + name, "package", name, "message", "image " + name));
            // a NAME-dev config is the -dev variant of NAME: same repository, -dev tags (TagPlan)
            boolean dev = name.endsWith(TagPlan.DEV_SUFFIX);
            String repository = dev ? name.substring(0, name.length() - TagPlan.DEV_SUFFIX.length()) : name;
            ImageReference repo = ImageReference.parse(registry.address() + "/kiln/" + repository);
            ImageReference latest = repo.withTag(dev ? TagPlan.LATEST + TagPlan.DEV_SUFFIX : TagPlan.LATEST);
            String inputs = ImageInputs.fingerprint(config, latest, settings.imageEpoch(), extra);
            Digest unchanged = unchangedPublication(runId, client, name, latest, inputs);
            if (unchanged != null) {
                ImageReference digestRef = latest.repositoryReference().withDigest(unchanged);
                scans.scan(name, config, digestRef, unchanged.toString(), false);
                outcomes.add(new ImageOutcome(name, digestRef, false, false));
                continue;
            }
            dev.kiln.image.ImageBuildOptions options = new dev.kiln.image.ImageBuildOptions(
                    List.of(),
                    extra.stream().map(Path::toString).toList(),
                    settings.buildEnvironment().keyring().stream()
                            .map(k -> settings.buildEnvironment().baseDir().resolve(k))
                            .toList(),
                    settings.imageEpoch(),
                    Objects.requireNonNull(config.toAbsolutePath().getParent(), "an absolute file path has a parent"));
            ImagePublisher.PublishResult result;
            try {
                ImageSpec spec = ImageSpecLoader.load(config);
                List<String> behind = failed.holdingBack(spec, options);
                if (!behind.isEmpty()) {
                    notImagePublished(
                            name, "its packages' recipe failed to build: " + String.join(", ", behind), notPublished);
                    continue;
                }
                result = publisher.publishTagged(spec, options, repo, dev);
            } catch (ImageException e) {
                notImagePublished(name, Objects.requireNonNullElse(e.getMessage(), e.toString()), notPublished);
                continue;
            }
            ImageReference ref =
                    repo.withTag(Objects.requireNonNull(result.tags(), "publishTagged returns its tag plan")
                            .moving()
                            .get(0));
            if (result.heldBack() != null) {
                listener.onEvent(ReconcileEvent.of(
                        "warning",
                        result.heldBack() + " already names other content and is immutable; left as it is",
                        "package",
                        name,
                        "message",
                        "immutable tag " + result.heldBack() + " kept"));
            }
            ImageReference digestRef = result.digestReferences().get(0);
            boolean signed = false;
            List<Attestation> attestations = ImageProvenance.attestations(result.build(), config, name);
            if (settings.imageKey() != null
                    && (result.changed()
                            || client.referrers(digestRef, result.indexDigest(), null)
                                    .isEmpty())) {
                listener.onEvent(ReconcileEvent.of(
                        "phase", "==> signing " + digestRef, "package", name, "message", "signing " + digestRef));
                ImageAttestations.signAndAttest(
                        client, result, attestations, imageKey.get(), settings.signingClock(clock));
                signed = true;
            }
            state().recordImage(
                            runId,
                            name,
                            ref.toString(),
                            result.indexDigest().toString(),
                            result.changed(),
                            signed,
                            ImageAttestations.contents(result.build(), attestations),
                            inputs);
            scans.scan(name, config, digestRef, result.indexDigest().toString(), result.changed());
            outcomes.add(new ImageOutcome(name, digestRef, result.changed(), signed));
        }
        return outcomes;
    }

    private void notImagePublished(String name, String why, List<Unpublished> notPublished) {
        notPublished.add(new Unpublished(name, why));
        listener.onEvent(ReconcileEvent.of(
                "error", "image " + name + " not published: " + why, "package", name, "message", why));
    }

    /** Records each recipe's dependents and carried patches, for the package pages. */
    private void recordPackageFacts(CatalogGraph catalog) {
        PackageFacts facts = PackageFacts.of(catalog, clock);
        state().recordPackageFacts(facts.dependents().keySet(), facts.dependents(), facts.patches());
    }

    /** A value computed on first use, once (a null result is not kept: it is computed again when asked again). */
    private static final class Once<T> implements Supplier<T> {
        private final java.util.function.Supplier<T> compute;
        private @Nullable T value;

        Once(java.util.function.Supplier<T> compute) {
            this.compute = compute;
        }

        @Override
        public synchronized T get() {
            T known = value;
            if (known == null) {
                known = compute.get();
                value = known;
            }
            return known;
        }
    }

    /**
     * The digest of the image published from exactly these inputs, when the registry still serves it under
     * {@code ref} and (with an image key) it has its signatures and attestations: then assembling it again
     * would give the same digest, and the run records the publication as found. Null otherwise.
     */
    private @Nullable Digest unchangedPublication(
            long runId, RegistryClient client, String name, ImageReference ref, @Nullable String inputs) {
        Records.ImagePublication last = inputs == null ? null : state().publicationWithInputs(name, inputs);
        if (last == null || !last.reference().equals(ref.toString())) {
            return null;
        }
        Digest digest = Digest.parse(last.digest());
        if (!client.manifestDigest(ref, ACCEPTED_INDEXES).map(digest::equals).orElse(false)) {
            return null;
        }
        ImageReference digestRef = ref.repositoryReference().withDigest(digest);
        if (settings.imageKey() != null
                && client.referrers(digestRef, digest, null).isEmpty()) {
            return null;
        }
        state().republish(runId, last.id());
        return digest;
    }

    private static final List<String> ACCEPTED_INDEXES =
            List.of(dev.kiln.oci.MediaTypes.OCI_INDEX, dev.kiln.oci.MediaTypes.OCI_MANIFEST);

    /** Every build of the run goes through here, so each one is recorded with its inputs, outputs, time and log. */
    private Rebuilder recording(long runId, Rebuilder inner) {
        return recipe -> {
            Instant start = clock.instant();
            RebuildOutcome outcome = inner.rebuild(recipe);
            long millis = clock.millis() - start.toEpochMilli();
            String packageName = outcome.packages().isEmpty()
                    ? recipe.getFileName().toString().replaceFirst("\\.ya?ml$", "")
                    : outcome.packages().get(0).name();
            state().recordBuild(
                            runId,
                            recipe.toString(),
                            packageName,
                            sha256(recipe),
                            start,
                            millis,
                            outcome.success() ? Records.BuildResult.SUCCEEDED : Records.BuildResult.FAILED,
                            outcome.packages().stream()
                                    .map(p -> p.name() + "-" + p.fullVersion())
                                    .toList(),
                            outcome.log() == null ? null : outcome.log().toString(),
                            outcome.message());
            return outcome;
        };
    }

    private static String sha256(Path file) {
        try {
            return Hashing.sha256Hex(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static String summary(Report r) {
        long built = r.packages().stream().filter(PackageOutcome::built).count();
        long pushed = r.images().stream().filter(ImageOutcome::pushed).count();
        String s = String.format(
                "%d recipes (%d built), %d images (%d pushed)",
                r.packages().size(), built, r.images().size(), pushed);
        if (r.updates() != null) {
            s += String.format(
                    ", %d updates published, %d failed",
                    r.updates().count(UpdateRun.Outcome.PUBLISHED), r.updates().count(UpdateRun.Outcome.FAILED));
        }
        return r.problems().isEmpty() ? s : s + ", " + r.problems().size() + " recipes did not load";
    }
}
