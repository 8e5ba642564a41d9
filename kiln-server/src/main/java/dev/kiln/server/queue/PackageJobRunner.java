package dev.kiln.server.queue;

import dev.kiln.apk.ApkSigningKey;
import dev.kiln.build.BuildException;
import dev.kiln.build.BuildOptions;
import dev.kiln.build.BuildResult;
import dev.kiln.build.BuiltPackage;
import dev.kiln.build.PackageBuilder;
import dev.kiln.recipe.BuildPlan;
import dev.kiln.recipe.CompileOptions;
import dev.kiln.recipe.RecipeException;
import dev.kiln.recipe.Recipes;
import dev.kiln.sandbox.SandboxException;
import dev.kiln.server.ReconcileListener;
import dev.kiln.server.Settings;
import dev.kiln.server.state.BuildQueue.Claim;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds a claimed job with the package builder, as the reconciler builds in process: the recipe the job carries is
 * written to the scratch directory, compiled for the job's architecture with this worker's pipelines, and built at
 * the job's epoch into the scratch directory's own repository, signed with the catalog's package key.
 */
public final class PackageJobRunner implements Worker.JobRunner {
    private final Settings settings;
    private final PackageBuilder builder;
    private final ApkSigningKey packageKey;
    private final ReconcileListener listener;

    /**
     * {@code settings} give the worker's cache, work and log directories, pipelines and package key; the key must
     * exist (every worker signs with the key whose public half the repository's users trust).
     */
    public PackageJobRunner(Settings settings, HttpClient http, ReconcileListener listener) {
        if (!Files.isRegularFile(settings.packageKey())) {
            throw new QueueException("package key " + settings.packageKey() + " does not exist: workers sign with the"
                    + " catalog's key (copy the reconciler's STATE/keys/kiln.rsa, or pass --package-key)");
        }
        this.settings = settings;
        this.builder = settings.packageBuilder(http);
        this.packageKey = ApkSigningKey.load(settings.packageKey());
        this.listener = listener;
    }

    @Override
    public Worker.JobResult run(Claim claim, Path scratch) {
        Path recipe = scratch.resolve(claim.recipe() + ".yaml");
        BuildPlan plan;
        try {
            Files.writeString(recipe, claim.recipeYaml(), StandardCharsets.UTF_8);
            plan = Recipes.compile(recipe, settings.pipelineDirs(), CompileOptions.forArch(claim.arch()));
        } catch (IOException e) {
            return new Worker.JobResult(false, List.of(), null, "cannot write " + recipe + ": " + e.getMessage());
        } catch (RecipeException e) {
            return new Worker.JobResult(false, List.of(), null, e.getMessage());
        }
        Settings jobSettings = Settings.builder()
                .stateDir(settings.stateDir())
                .cacheDir(settings.cacheDir())
                .repository(scratch.resolve("packages"))
                .catalog(settings.catalog())
                .arch(claim.arch())
                .sourceDateEpoch(claim.sourceDateEpoch())
                .packageKey(settings.packageKey())
                .unsignedImages(true)
                .pipelineDirs(settings.pipelineDirs())
                .database(settings.database())
                .build(settings.environment());
        BuildOptions options = jobSettings
                .buildOptions(packageKey, listener.asBuildListener())
                .withSourceDateEpoch(claim.sourceDateEpoch());
        Path log = PackageBuilder.logFile(plan, options);
        try {
            BuildResult result = builder.build(plan, options);
            return new Worker.JobResult(
                    true, result.packages().stream().map(BuiltPackage::file).toList(), result.log(), null);
        } catch (BuildException | SandboxException e) {
            return new Worker.JobResult(false, List.of(), Files.exists(log) ? log : null, e.getMessage());
        }
    }
}
