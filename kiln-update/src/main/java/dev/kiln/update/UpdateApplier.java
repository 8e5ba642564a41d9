package dev.kiln.update;

import dev.kiln.content.AtomicFiles;
import dev.kiln.content.ContentException;
import dev.kiln.content.FileTrees;
import dev.kiln.recipe.BuildPlan;
import dev.kiln.recipe.CompileOptions;
import dev.kiln.recipe.RecipeCompiler;
import dev.kiln.recipe.RecipeException;
import dev.kiln.recipe.RecipeLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One update, end to end: bump the recipe, drop patches upstream now carries, rebuild (build,
 * test, publish) through the {@link Rebuilder}; when anything fails the recipe file gets its
 * original bytes back.
 */
public final class UpdateApplier {
    private final RecipeLoader loader;
    private final RecipeCompiler compiler;
    private final CompileOptions compileOptions;
    private final RecipeBumper bumper;
    private final DeltaMinimizer delta;
    private final UpstreamSources sources;
    private final Rebuilder rebuilder;

    public UpdateApplier(
            RecipeLoader loader,
            RecipeCompiler compiler,
            CompileOptions compileOptions,
            RecipeBumper bumper,
            DeltaMinimizer delta,
            UpstreamSources sources,
            Rebuilder rebuilder) {
        this.loader = loader;
        this.compiler = compiler;
        this.compileOptions = compileOptions;
        this.bumper = bumper;
        this.delta = delta;
        this.sources = sources;
        this.rebuilder = rebuilder;
    }

    public enum Status {
        PUBLISHED,
        BUILD_FAILED,
        STOPPED
    }

    /** What happened; on BUILD_FAILED and STOPPED the recipe file is unchanged. */
    public record ApplyResult(
            Path recipe,
            String newVersion,
            Status status,
            List<String> changes,
            List<DeltaMinimizer.Dropped> droppedPatches,
            @Nullable RebuildOutcome rebuild,
            @Nullable String message) {
        public ApplyResult {
            changes = List.copyOf(changes);
            droppedPatches = List.copyOf(droppedPatches);
        }
    }

    public ApplyResult apply(Path recipeFile, String newVersion) {
        byte[] original;
        try {
            original = Files.readAllBytes(recipeFile);
        } catch (IOException e) {
            throw new UpdateException(recipeFile.toString(), "cannot read: " + e.getMessage(), false, e);
        }
        String file = recipeFile.getFileName().toString();
        String text = new String(original, StandardCharsets.UTF_8);
        RecipeBumper.Bump bump;
        DeltaMinimizer.Result minimized;
        try {
            bump = bumper.bump(file, text, newVersion);
            minimized = minimizePatches(recipeFile, bump.text(), newVersion);
        } catch (UpdateException e) {
            return new ApplyResult(recipeFile, newVersion, Status.STOPPED, List.of(), List.of(), null, e.getMessage());
        }
        write(recipeFile, minimized.text().getBytes(StandardCharsets.UTF_8));
        RebuildOutcome outcome;
        try {
            outcome = rebuilder.rebuild(recipeFile);
        } catch (RuntimeException e) {
            outcome = RebuildOutcome.failed(e.getMessage() == null ? e.toString() : e.getMessage(), null);
        }
        if (!outcome.success()) {
            write(recipeFile, original);
            return new ApplyResult(
                    recipeFile,
                    newVersion,
                    Status.BUILD_FAILED,
                    bump.changes(),
                    minimized.dropped(),
                    outcome,
                    "build of " + file + " at " + newVersion + " failed; recipe restored: " + outcome.message());
        }
        return new ApplyResult(
                recipeFile, newVersion, Status.PUBLISHED, bump.changes(), minimized.dropped(), outcome, null);
    }

    private DeltaMinimizer.Result minimizePatches(Path recipeFile, String bumped, String newVersion) {
        String file = recipeFile.getFileName().toString();
        if (!bumped.contains("uses: patch")) {
            return new DeltaMinimizer.Result(bumped, List.of(), List.of());
        }
        BuildPlan plan;
        try {
            plan = compiler.compile(loader.parse(file, bumped), compileOptions);
        } catch (RecipeException e) {
            throw new UpdateException(file, "the bumped recipe does not compile: " + e.getMessage(), false, e);
        }
        Path tree = null;
        try {
            tree = Files.createTempDirectory("kiln-delta-");
            sources.unpack(plan, tree);
            Path patchDir = parentOf(recipeFile).resolve(plan.name());
            return delta.minimize(file, bumped, patchDir, tree, newVersion);
        } catch (IOException e) {
            throw new UpdateException(file, "cannot unpack upstream " + newVersion + ": " + e.getMessage(), true, e);
        } finally {
            deleteTree(tree);
        }
    }

    private static void write(Path file, byte[] bytes) {
        try {
            AtomicFiles.write(file, bytes);
        } catch (ContentException e) {
            throw new UpdateException(
                    file.toString(),
                    // AtomicFiles wraps an IOException, except when the path names no file (no cause then)
                    "cannot write: " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()),
                    false,
                    e);
        }
    }

    /** The directory of a recipe file that was read: only the root has no parent. */
    static Path parentOf(Path file) {
        return Objects.requireNonNull(file.toAbsolutePath().getParent(), () -> file + " has no parent directory");
    }

    private static void deleteTree(@Nullable Path dir) {
        if (dir == null) {
            return;
        }
        try {
            FileTrees.delete(dir);
        } catch (IOException ignored) {
            // a leftover temp dir is harmless
        }
    }
}
