package dev.kiln.cli;

import dev.kiln.recipe.Recipe;
import dev.kiln.server.Reconciler;
import dev.kiln.server.Settings;
import dev.kiln.server.UpdatePorts;
import dev.kiln.server.UpstreamMonitors;
import dev.kiln.server.state.StateStore;
import dev.kiln.update.CheckResult;
import dev.kiln.update.Interval;
import dev.kiln.update.SonamePropagation;
import dev.kiln.update.UpdateApplier;
import dev.kiln.update.UpdateChecker;
import dev.kiln.update.UpdateRun;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "update",
        description = "Follow upstream releases: check for new versions, or apply them (bump, build, test, publish).",
        subcommands = {UpdateCommand.Check.class, UpdateCommand.Apply.class, UpdateCommand.Run.class})
final class UpdateCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options shared by check and apply. */
    static final class Common {
        @Mixin
        RecipeSelection selection;

        @Option(names = "--pipeline-dir", description = "directory of pipeline definitions; repeatable")
        List<Path> pipelineDirs = new ArrayList<>();

        @Option(
                names = "--github-api",
                description = "GitHub API root (default: ${DEFAULT-VALUE}); GITHUB_TOKEN authenticates")
        String githubApi = "https://api.github.com";

        @Option(
                names = "--release-monitoring-api",
                description = "release-monitoring.org root (default: ${DEFAULT-VALUE})")
        String releaseMonitoringApi = "https://release-monitoring.org";

        @Option(names = "--json", description = "machine-readable output: one JSON object per line")
        boolean json;

        HttpClient http() {
            return HttpClient.newBuilder()
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(Duration.ofSeconds(20))
                    .build();
        }

        /** The recipes as named, the ones that loaded, and why the others did not (each already printed as an error). */
        record Loaded(List<Path> files, List<Recipe> recipes, List<String> problems) {}

        Loaded load(Output out) throws IOException {
            List<String> problems = new ArrayList<>();
            List<Path> files = selection.files();
            List<Recipe> loaded = UpdatePorts.load(files, pipelineDirs, problems);
            problems.forEach(out::error);
            return new Loaded(files, loaded, problems);
        }

        UpdateChecker checker(HttpClient http) {
            return UpstreamMonitors.checker(
                    http, new Settings.Upstreams(githubApi, releaseMonitoringApi, "patch"), System.getenv());
        }
    }

    /** Where and how updates are built and published; shared by apply and run. */
    static final class Publishing {
        @Option(names = "--arch", description = "target architecture (default: ${DEFAULT-VALUE})")
        String arch = Defaults.hostArch();

        @Option(
                names = "--state-dir",
                description = "cache, logs, workspaces, default keys, state database (default: ${DEFAULT-VALUE})")
        Path stateDir = Defaults.STATE;

        @Option(names = "--out-dir", description = "repository root (default: ${DEFAULT-VALUE})")
        Path outDir = Defaults.REPOSITORY;

        @Option(names = "--signing-key", description = "RSA private key (PEM) (default: STATE/keys/kiln.rsa)")
        @Nullable
        Path signingKey;

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

        @Option(names = "--patch", description = "GNU patch executable (default: ${DEFAULT-VALUE})")
        String patch = "patch";

        /** The one resolution of these options (and the environment) that every reconcile uses. */
        Settings settings(Common common) {
            return settings(common, null);
        }

        /** {@link #settings(Common)} building through the build queue when {@code storage} is given. */
        Settings settings(Common common, @Nullable String storage) {
            if (signingKey != null) {
                KeyFiles.load(signingKey);
            }
            return Settings.builder()
                    .stateDir(stateDir)
                    .repository(outDir)
                    .catalog(common.selection.catalog)
                    .arch(arch)
                    .sourceDateEpoch(sourceDateEpoch)
                    .packageKey(signingKey)
                    .pipelineDirs(common.pipelineDirs)
                    .upstreams(new Settings.Upstreams(common.githubApi, common.releaseMonitoringApi, patch))
                    .database(database)
                    .storage(storage)
                    .build(System.getenv());
        }
    }

    /** Prints an apply result; true when the update was published. */
    static boolean reportApply(Output out, String recipe, UpdateApplier.ApplyResult a) {
        a.changes().forEach(c -> out.say("    " + c));
        a.droppedPatches().forEach(d -> out.say("    dropped patch " + d.patch() + ": " + d.reason()));
        if (a.status() == UpdateApplier.Status.PUBLISHED) {
            Objects.requireNonNull(a.rebuild(), "a published update has its rebuild")
                    .packages()
                    .forEach(p -> out.say("    published " + p.name() + "-" + p.fullVersion()));
        } else {
            out.error(a.message()
                    + (a.rebuild() != null && a.rebuild().log() != null
                            ? " (log: " + a.rebuild().log() + ")"
                            : ""));
        }
        out.emit(Output.fields(
                "event",
                "apply",
                "recipe",
                recipe,
                "version",
                a.newVersion(),
                "status",
                a.status().name(),
                "changes",
                a.changes(),
                "droppedPatches",
                a.droppedPatches().stream()
                        .map(d -> Output.fields("patch", d.patch(), "reason", d.reason()))
                        .toList(),
                "published",
                a.rebuild() == null
                        ? List.of()
                        : a.rebuild().packages().stream()
                                .map(p -> p.name() + "-" + p.fullVersion())
                                .toList(),
                "message",
                a.message(),
                "log",
                a.rebuild() == null || a.rebuild().log() == null
                        ? null
                        : a.rebuild().log().toString()));
        return a.status() == UpdateApplier.Status.PUBLISHED;
    }

    static void report(Output out, CheckResult r) {
        String newest = r.newest() == null ? "-" : r.newest().version();
        out.say(String.format(
                "%-28s %-14s %-14s %-10s %s%s",
                r.packageName(),
                r.current(),
                newest,
                r.status().name().toLowerCase(java.util.Locale.ROOT),
                r.monitor() == null ? "" : r.monitor(),
                r.message() == null ? "" : "  (" + r.message() + ")"));
        r.skipped().forEach(s -> out.say("    skipped " + s.raw() + ": " + s.reason()));
        out.emit(Output.fields(
                "event",
                "check",
                "recipe",
                r.recipe(),
                "package",
                r.packageName(),
                "current",
                r.current(),
                "newest",
                r.newest() == null ? null : r.newest().version(),
                "tag",
                r.newest() == null ? null : r.newest().raw(),
                "status",
                r.status().name(),
                "monitor",
                r.monitor(),
                "message",
                r.message(),
                "skipped",
                r.skipped().stream()
                        .map(s -> Output.fields("tag", s.raw(), "reason", s.reason()))
                        .toList()));
    }

    @Command(
            name = "check",
            description =
                    "Print, per recipe, the current version, the newest upstream version, the monitor and why candidates were skipped.")
    static final class Check implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        Common common;

        @Override
        public Integer call() throws IOException {
            Output out = Output.of(spec, common.json);
            Common.Loaded loaded = common.load(out);
            List<CheckResult> results = common.checker(common.http()).check(loaded.recipes());
            results.forEach(r -> report(out, r));
            return loaded.problems().isEmpty()
                            && results.stream().noneMatch(r -> r.status() == CheckResult.Status.FAILED)
                    ? 0
                    : 1;
        }
    }

    @Command(
            name = "apply",
            description =
                    "Bump every recipe with a newer upstream, drop patches upstream now contains, build, test and publish; restore the recipe when the build fails.")
    static final class Apply implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        Common common;

        @Mixin
        Publishing publishing;

        @Override
        public Integer call() throws IOException {
            Output out = Output.of(spec, common.json);
            Common.Loaded loaded = common.load(out);
            HttpClient http = common.http();
            List<CheckResult> results = common.checker(http).check(loaded.recipes());
            Reconciler reconciler =
                    new Reconciler(publishing.settings(common), null, http, Clock.systemUTC(), out::render);
            UpdateApplier applier = reconciler.applier(reconciler.rebuilder());
            int failures = loaded.problems().size();
            for (CheckResult r : results) {
                report(out, r);
                if (!r.actionable()) {
                    continue;
                }
                Path file = loaded.files().stream()
                        .filter(f -> f.getFileName().toString().equals(r.recipe()))
                        .findFirst()
                        .orElseThrow();
                UpdateApplier.ApplyResult a = applier.apply(
                        file,
                        Objects.requireNonNull(r.newest(), "only reports with a newer version are applied")
                                .version());
                if (!reportApply(out, r.recipe(), a)) {
                    failures++;
                }
            }
            return failures == 0 ? 0 : 1;
        }
    }

    @Command(
            name = "run",
            description = {
                "The reconcile loop: check every recipe of the catalog, apply every update (bump, build, test,",
                "publish), rebuild the dependents of removed sonames, report per package and go on past failures; repeat.",
                "Exits 1 after --once when any package failed."
            })
    static final class Run implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        Common common;

        @Mixin
        Publishing publishing;

        @Option(names = "--every", description = "time between passes: 90s, 15m, 1h, 1h30m (default: ${DEFAULT-VALUE})")
        String every = "1h";

        @Option(names = "--once", description = "run one pass and exit")
        boolean once;

        @Option(
                names = "--storage",
                description = "rebuild through the build queue (as kiln up --storage): enqueue jobs in --database for"
                        + " kiln worker, whose outputs go to this shared directory or s3://BUCKET/PREFIX"
                        + " (default: build in this process)")
        @Nullable
        String storage;

        @Override
        public Integer call() throws IOException, InterruptedException {
            Output out = Output.of(spec, common.json);
            java.time.Duration interval = Interval.parse(every);
            Settings settings = publishing.settings(common, storage);
            try (StateStore state = StateStore.open(settings.database(), Clock.systemUTC())) {
                Reconciler reconciler = new Reconciler(settings, state, common.http(), Clock.systemUTC(), out::render);
                for (int pass = 1; ; pass++) {
                    Reconciler.Report report = reconciler.reconcile(new Reconciler.Request(
                            "update",
                            EnumSet.of(Reconciler.Stage.UPSTREAMS),
                            common.selection.files(),
                            List.of(),
                            null));
                    UpdateRun.Report updates =
                            Objects.requireNonNull(report.updates(), "an UPSTREAMS reconcile reports its updates");
                    int problems = report.problems().size();
                    updates.packages().forEach(p -> reportPackage(out, p));
                    out.say(String.format(
                            "pass %d: %d published, %d up to date, %d failed, %d not checked",
                            pass,
                            updates.count(UpdateRun.Outcome.PUBLISHED),
                            updates.count(UpdateRun.Outcome.UP_TO_DATE),
                            updates.count(UpdateRun.Outcome.FAILED) + problems,
                            updates.count(UpdateRun.Outcome.NOT_CHECKED)));
                    out.emit(Output.fields(
                            "event",
                            "pass",
                            "pass",
                            pass,
                            "run",
                            report.runId(),
                            "published",
                            updates.count(UpdateRun.Outcome.PUBLISHED),
                            "upToDate",
                            updates.count(UpdateRun.Outcome.UP_TO_DATE),
                            "failed",
                            updates.count(UpdateRun.Outcome.FAILED) + problems,
                            "notChecked",
                            updates.count(UpdateRun.Outcome.NOT_CHECKED)));
                    if (once) {
                        return report.failed() ? 1 : 0;
                    }
                    Thread.sleep(interval.toMillis());
                }
            }
        }

        private static void reportPackage(Output out, UpdateRun.PackageReport p) {
            report(out, p.check());
            if (p.apply() != null) {
                reportApply(out, p.recipe(), p.apply());
            }
            SonamePropagation.Propagation prop = p.propagation();
            if (prop != null && !prop.removedSonames().isEmpty()) {
                out.say("    " + String.join(", ", prop.removedSonames()) + " gone: rebuilt "
                        + String.join(", ", prop.order()));
            }
            if (p.outcome() == UpdateRun.Outcome.FAILED && p.apply() == null) {
                out.error(p.packageName() + ": " + p.error());
            }
            out.emit(Output.fields(
                    "event",
                    "package",
                    "recipe",
                    p.recipe(),
                    "package",
                    p.packageName(),
                    "outcome",
                    p.outcome().name(),
                    "error",
                    p.error(),
                    "removedSonames",
                    prop == null ? List.of() : List.copyOf(prop.removedSonames()),
                    "rebuilt",
                    prop == null ? List.of() : prop.order()));
        }
    }
}
