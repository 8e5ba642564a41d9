package dev.kiln.cli;

import dev.kiln.apk.ApkSigningKey;
import dev.kiln.build.BuildException;
import dev.kiln.build.BuildLimits;
import dev.kiln.build.BuildListener;
import dev.kiln.build.BuildOptions;
import dev.kiln.build.BuildResult;
import dev.kiln.build.BuildTime;
import dev.kiln.build.BuiltPackage;
import dev.kiln.build.PackageBuilder;
import dev.kiln.content.ByteSizes;
import dev.kiln.recipe.BuildPlan;
import dev.kiln.recipe.BuildTimeout;
import dev.kiln.recipe.CompileOptions;
import dev.kiln.recipe.RecipeException;
import dev.kiln.recipe.Recipes;
import dev.kiln.sandbox.Preflight;
import dev.kiln.sandbox.SandboxException;
import dev.kiln.sandbox.SandboxLimits;
import dev.kiln.server.ReconcileEvent;
import dev.kiln.server.Settings;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "build",
        description = {
            "Build packages from melange-compatible recipes into a signed APK repository.",
            "With no RECIPE, builds every recipe of the example catalog (examples/recipes)."
        })
final class BuildCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "RECIPE", description = "recipe files (YAML)")
    List<Path> recipes = new ArrayList<>();

    @Option(names = "--arch", description = "target architecture (default: the host's, ${DEFAULT-VALUE})")
    String arch = Defaults.hostArch();

    @Option(
            names = "--signing-key",
            description = "RSA private key (PEM) (default: STATE/keys/kiln.rsa, created on first use)")
    @Nullable
    Path signingKey;

    @Option(
            names = "--attest-key",
            description =
                    "ECDSA image key (kiln keygen --type image): write each package's"
                            + " provenance (NAME-VER-rN.attest.json) as a signed DSSE envelope instead of a bare in-toto statement")
    @Nullable
    Path attestKey;

    @Option(
            names = "--passphrase-file",
            description = "file holding the --attest-key passphrase (default: KILN_PASSWORD,"
                    + " COSIGN_PASSWORD, or a prompt)")
    @Nullable
    Path passphraseFile;

    @Option(
            names = "--state-dir",
            description = "Kiln's working state: cache, logs, workspaces, default key (default: ${DEFAULT-VALUE})")
    Path stateDir = Defaults.STATE;

    @Option(names = "--out-dir", description = "repository root; packages go to OUT/ARCH (default: ${DEFAULT-VALUE})")
    Path outDir = Defaults.REPOSITORY;

    @Option(
            names = "--source-dir",
            description = "local files copied into the workspace (default: DIR_OF_RECIPE/PACKAGE_NAME when present)")
    @Nullable
    Path sourceDir;

    @Option(names = "--cache-dir", description = "source cache (default: STATE/cache)")
    @Nullable
    Path cacheDir;

    @Option(
            names = "--pipeline-dir",
            description = "directory of pipeline definitions, searched before the built-ins; repeatable")
    List<Path> pipelineDirs = new ArrayList<>();

    @Option(
            names = "--source-date-epoch",
            description =
                    "timestamp of every output (default: $SOURCE_DATE_EPOCH, else the recipe's last git commit time,"
                            + " else 0 with a warning)")
    @Nullable
    Long sourceDateEpoch;

    @Option(names = "--offline", description = "never use the network: sources must be in the cache")
    boolean offline;

    @Option(names = "--keep-workspace", description = "keep the build workspace under .kiln/work for inspection")
    boolean keepWorkspace;

    @Option(
            names = "--timeout",
            description = "whole-build limit for recipes without package.timeout, a Go duration"
                    + " such as 2h or 90m (default: 6h)")
    @Nullable
    String timeout;

    @Option(
            names = "--max-processes",
            description = "most processes a build's sandbox may run at once (default: ${DEFAULT-VALUE})")
    int maxProcesses = SandboxLimits.DEFAULT_MAX_PROCESSES;

    @Option(
            names = "--max-workspace-size",
            description =
                    "most bytes a build's workspace may hold, with an optional" + " K, M, G or T suffix (default: 64G)")
    @Nullable
    String maxWorkspaceSize;

    @picocli.CommandLine.Mixin
    EnvironmentOptions environment = new EnvironmentOptions();

    @picocli.CommandLine.Mixin
    RunnerOptions runner = new RunnerOptions();

    @Option(names = "--dry-run", description = "print the compiled plan and its sources; build nothing")
    boolean dryRun;

    @Option(names = "--json", description = "machine-readable output: one JSON object per line")
    boolean json;

    @Override
    public Integer call() throws IOException {
        Output out = Output.of(spec, json);
        List<Path> files = recipes.isEmpty() ? exampleRecipes() : recipes;
        List<BuildPlan> plans = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            try {
                plans.add(Recipes.compile(file, pipelineDirs, CompileOptions.forArch(arch)));
            } catch (RecipeException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            problems.forEach(out::error);
            return 2;
        }
        if (dryRun) {
            for (BuildPlan plan : plans) {
                printPlan(out, plan);
            }
            return 0;
        }
        BuildLimits limits = limits();
        dev.kiln.server.kubernetes.KubernetesSettings kubernetes = runner.settings();
        if (kubernetes == null) { // Kubernetes builds need no sandbox here, unless a recipe has tests
            Preflight.check(System.getenv());
        }
        // the same defaults as kiln up and kiln update run: one Settings, one set of build options
        Settings settings = Settings.builder()
                .stateDir(stateDir)
                .cacheDir(cacheDir)
                .repository(outDir)
                .arch(arch)
                .sourceDateEpoch(Defaults.sourceDateEpoch(sourceDateEpoch))
                .packageKey(signingKey)
                .pipelineDirs(pipelineDirs)
                .unsignedImages(true)
                .kubernetes(kubernetes)
                .buildEnvironment(environment.sources())
                .build(System.getenv());
        ApkSigningKey key =
                signingKey != null ? KeyFiles.load(signingKey) : KeyFiles.loadOrCreate(settings.packageKey(), out);
        dev.kiln.attest.SigningKey provenanceKey =
                attestKey == null ? null : SigningTargets.signingKey(spec, attestKey, passphraseFile);
        PackageBuilder builder = settings.packageBuilder(HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20))
                .build());
        int failures = 0;
        for (int i = 0; i < plans.size(); i++) {
            BuildPlan plan = plans.get(i);
            Path recipeFile = files.get(i);
            BuildTime buildTime = settings.buildTime(recipeFile);
            if (buildTime.warning() != null) {
                out.progress(
                        "warning: " + buildTime.warning(),
                        Output.fields("event", "warning", "message", buildTime.warning()));
            }
            BuildOptions options = settings.buildOptions(key, progress(out))
                    .withSourceDateEpoch(buildTime.epochSeconds())
                    .withNetwork(!offline)
                    .withKeepWorkspace(keepWorkspace)
                    .withSourceDir(sourceDirFor(recipeFile, plan))
                    .withAttestKey(provenanceKey)
                    .withLimits(limits);
            try {
                report(out, builder.build(plan, options));
            } catch (BuildException | SandboxException e) {
                failures++;
                out.error("recipe " + recipeFile + ": " + e.getMessage());
            } catch (RuntimeException e) {
                failures++;
                out.error("recipe " + recipeFile + ": " + e);
            }
        }
        return failures == 0 ? 0 : 1;
    }

    private BuildLimits limits() {
        try {
            Duration whole = timeout == null ? BuildLimits.DEFAULT_TIMEOUT : BuildTimeout.parse(timeout);
            long bytes = maxWorkspaceSize == null
                    ? SandboxLimits.DEFAULT_MAX_WORKSPACE_BYTES
                    : ByteSizes.parse(maxWorkspaceSize);
            return new BuildLimits(whole, new SandboxLimits(maxProcesses, bytes));
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "kiln build: " + e.getMessage());
        }
    }

    private @Nullable Path sourceDirFor(Path recipeFile, BuildPlan plan) {
        if (sourceDir != null) {
            return sourceDir;
        }
        return BuildOptions.sourceDirBeside(recipeFile, plan.name());
    }

    static BuildListener progress(Output out) {
        return event -> out.render(ReconcileEvent.of(event));
    }

    private static void report(Output out, BuildResult result) {
        if (result.skipped()) {
            out.say("skipped " + result.recipe() + ": " + result.skipReason());
            out.emit(Output.fields("event", "skipped", "recipe", result.recipe(), "reason", result.skipReason()));
            return;
        }
        for (BuiltPackage p : result.packages()) {
            out.say(p.file() + "  sha256:" + p.sha256());
            out.say("  depends: " + String.join(" ", p.depends()));
            out.say("  provides: " + String.join(" ", p.provides()));
            if (p.elfFiles() > 0) {
                out.say(indent(p.hardening()));
            }
            out.emit(Output.fields(
                    "event",
                    "package",
                    "name",
                    p.name(),
                    "version",
                    p.fullVersion(),
                    "file",
                    p.file().toString(),
                    "sha256",
                    p.sha256(),
                    "identity",
                    p.identity(),
                    "installedSize",
                    p.installedSize(),
                    "depends",
                    p.depends(),
                    "provides",
                    p.provides(),
                    "hardeningPassed",
                    p.hardeningPassed(),
                    "elfFiles",
                    p.elfFiles(),
                    "warnings",
                    p.warnings()));
        }
        out.say("log: " + result.log());
    }

    private static void printPlan(Output out, BuildPlan plan) {
        List<String> sources = new ArrayList<>();
        for (dev.kiln.recipe.Source s : plan.sources()) {
            sources.add(s.label());
        }
        out.say("# " + plan.recipeFile() + " → " + plan.name() + "-" + plan.fullVersion());
        out.say(plan.toYaml());
        out.emit(Output.fields(
                "event",
                "plan",
                "recipe",
                plan.recipeFile(),
                "name",
                plan.name(),
                "version",
                plan.fullVersion(),
                "sources",
                sources,
                "yaml",
                plan.toYaml()));
    }

    private static String indent(String text) {
        return "  " + text.strip().replace("\n", "\n  ");
    }

    private List<Path> exampleRecipes() throws IOException {
        if (!Files.isDirectory(Defaults.EXAMPLES)) {
            // this command's own line, so the message reaches its error stream (a detached one wrote to System.err)
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(),
                    "no RECIPE given and no example catalog at " + Defaults.EXAMPLES.toAbsolutePath());
        }
        return CatalogFiles.yamlFiles(Defaults.EXAMPLES);
    }
}
