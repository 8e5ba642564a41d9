package dev.kiln.cli;

import dev.kiln.build.BuildLimits;
import dev.kiln.recipe.BuildTimeout;
import dev.kiln.sandbox.BubblewrapSandbox;
import dev.kiln.sandbox.Preflight;
import dev.kiln.server.bootstrap.Bootstrap;
import dev.kiln.server.bootstrap.BootstrapCache;
import dev.kiln.server.bootstrap.BootstrapPlan;
import dev.kiln.server.bootstrap.Comparisons;
import dev.kiln.server.bootstrap.PackageComparison;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "bootstrap",
        description = {
            "Build the toolchain in three stages: stage 1 with the host's toolchain, stage 2 in stage-1 packages,"
                    + " stage 3 in stage-2 packages; then compare stage 2 with stage 3 byte for byte.",
            "Recipes whose inputs did not change since the last run are not built again."
        })
final class BootstrapCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(
            arity = "0..1",
            paramLabel = "PLAN",
            description = "bootstrap plan: stage1: host-toolchain and the recipes in dependency order"
                    + " (default: ${DEFAULT-VALUE})")
    Path plan = Path.of("bootstrap", "plan.yaml");

    @Option(
            names = {"--check", "--compare"},
            description = "only compare the cached stage 2 with stage 3; build nothing")
    boolean check;

    @Option(
            names = "--stage",
            description = "run stages 1 to N only (1 builds with the host's toolchain alone; the comparison needs 3)"
                    + " (default: ${DEFAULT-VALUE})")
    int lastStage = BootstrapCache.STAGES;

    @Option(
            names = "--only",
            split = ",",
            paramLabel = "RECIPE",
            description = "only these recipes of the plan (file names without .yaml); repeatable or comma-separated")
    List<String> only = new ArrayList<>();

    @Option(
            names = "--cache-dir",
            description = "stages, sources and the signing key, kept between runs"
                    + " (default: $XDG_CACHE_HOME/kiln/bootstrap, else ~/.cache/kiln/bootstrap)")
    @Nullable
    Path cacheDir;

    @Option(names = "--arch", description = "target architecture (default: the host's, ${DEFAULT-VALUE})")
    String arch = Defaults.hostArch();

    @Option(
            names = "--signing-key",
            description = "RSA private key (PEM) that signs every stage (default: CACHE/keys/bootstrap.rsa, created on"
                    + " first use)")
    @Nullable
    Path signingKey;

    @Option(
            names = "--pipeline-dir",
            description = "directory of pipeline definitions, searched before the built-ins; repeatable")
    List<Path> pipelineDirs = new ArrayList<>();

    @Option(
            names = "--sources",
            description =
                    "directory of upstream source files to import first (default: ${DEFAULT-VALUE}, when present)")
    Path sources = Path.of("upstream-sources");

    @Option(
            names = "--source-date-epoch",
            description = "timestamp of every output (default: $SOURCE_DATE_EPOCH, else 0)")
    @Nullable
    Long sourceDateEpoch;

    @Option(names = "--offline", description = "never use the network: sources must be in the cache")
    boolean offline;

    @Option(
            names = "--timeout",
            description = "whole-build limit for recipes without package.timeout, a Go duration (default: 6h)")
    @Nullable
    String timeout;

    @Option(names = "--json", description = "machine-readable output: one JSON object per line")
    boolean json;

    @Override
    public Integer call() {
        Output out = Output.of(spec, json);
        BootstrapPlan loaded = BootstrapPlan.load(plan);
        BootstrapPlan bootstrapPlan = only.isEmpty() ? loaded : loaded.only(only);
        BootstrapCache cache = BootstrapCache.at(cacheDir, System.getenv());
        Long epoch = Defaults.sourceDateEpoch(sourceDateEpoch);
        Bootstrap.Options options = new Bootstrap.Options(
                cache, arch, epoch == null ? 0 : epoch, signingKey, offline, pipelineDirs, sources, limits());
        if (!check) {
            Preflight.check(System.getenv());
        }
        Bootstrap bootstrap = bootstrap(options, out);
        if (check) {
            return Comparisons.allIdentical(bootstrap.compare(bootstrapPlan)) ? 0 : 1;
        }
        Bootstrap.Report report = bootstrap.run(bootstrapPlan, lastStage);
        render(out, report);
        return report.failed() ? 1 : 0;
    }

    /** The bootstrap of {@code kiln bootstrap} and {@code kiln up --bootstrap}: this host's sandbox, progress to {@code out}. */
    static Bootstrap bootstrap(Bootstrap.Options options, Output out) {
        return new Bootstrap(
                options,
                BubblewrapSandbox.fromEnvironment(System.getenv()),
                HttpClient.newBuilder()
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .connectTimeout(Duration.ofSeconds(20))
                        .build(),
                Clock.systemUTC(),
                out::render);
    }

    private BuildLimits limits() {
        if (timeout == null) {
            return BuildLimits.DEFAULT;
        }
        try {
            return new BuildLimits(BuildTimeout.parse(timeout), dev.kiln.sandbox.SandboxLimits.DEFAULT);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--timeout: " + e.getMessage());
        }
    }

    private static void render(Output out, Bootstrap.Report report) {
        List<String> times = new ArrayList<>();
        for (int i = 0; i < report.stageTimes().size(); i++) {
            times.add("stage " + (i + 1) + " " + seconds(report.stageTimes().get(i)));
        }
        long identical = report.comparisons().stream()
                .filter(PackageComparison::identical)
                .count();
        long upToDate = report.builds().stream()
                .filter(b -> b.status() == Bootstrap.Status.UP_TO_DATE)
                .count();
        out.say("bootstrap: " + report.built() + " built, " + upToDate + " up to date ("
                + String.join(", ", times) + ")"
                + (report.stoppedAt() != null
                        ? "; stopped: " + report.stoppedAt()
                        : report.stageTimes().size() < BootstrapCache.STAGES
                                ? "; no comparison (stages 1 to "
                                        + report.stageTimes().size() + " only)"
                                : "; stage 2 = stage 3 for " + identical + " of "
                                        + report.comparisons().size() + " packages"));
        out.emit(Output.fields(
                "event",
                "bootstrap",
                "built",
                report.built(),
                "recipes",
                report.builds().size(),
                "stageSeconds",
                report.stageTimes().stream().map(d -> d.toMillis() / 1000.0).toList(),
                "identical",
                identical,
                "packages",
                report.comparisons().size(),
                "stoppedAt",
                report.stoppedAt(),
                "failed",
                report.failed()));
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
