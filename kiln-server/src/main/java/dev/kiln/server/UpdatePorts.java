package dev.kiln.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.kiln.build.BuildException;
import dev.kiln.build.BuildOptions;
import dev.kiln.build.BuildResult;
import dev.kiln.build.PackageBuilder;
import dev.kiln.build.source.GitCheckout;
import dev.kiln.build.source.SourceCache;
import dev.kiln.build.source.SourceChecksum;
import dev.kiln.build.source.SourceFetcher;
import dev.kiln.content.ContainedTree;
import dev.kiln.content.ContentException;
import dev.kiln.recipe.BuildPlan;
import dev.kiln.recipe.CompileOptions;
import dev.kiln.recipe.FetchStep;
import dev.kiln.recipe.GitCheckoutStep;
import dev.kiln.recipe.Recipe;
import dev.kiln.recipe.RecipeException;
import dev.kiln.recipe.RecipeLoader;
import dev.kiln.recipe.Recipes;
import dev.kiln.recipe.Source;
import dev.kiln.sandbox.SandboxException;
import dev.kiln.update.RebuildOutcome;
import dev.kiln.update.Rebuilder;
import dev.kiln.update.UpdateException;
import dev.kiln.update.UpstreamSources;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** The update bot's ports implemented with the build's source cache and package builder. */
public final class UpdatePorts {
    private UpdatePorts() {}

    /** Loads what loads; every failure goes to {@code problems}. */
    public static List<Recipe> load(List<Path> files, List<Path> pipelineDirs, List<String> problems) {
        RecipeLoader loader = new RecipeLoader(pipelineDirs);
        List<Recipe> out = new ArrayList<>();
        for (Path f : files) {
            try {
                out.add(loader.load(f));
            } catch (RecipeException e) {
                problems.add(e.getMessage());
            }
        }
        return out;
    }

    public static UpstreamSources sources(Path cacheDir, HttpClient http) {
        SourceCache cache = new SourceCache(cacheDir);
        SourceFetcher fetcher = new SourceFetcher(cache, http, false);
        GitCheckout git = new GitCheckout(cacheDir, false);
        return new UpstreamSources() {
            @Override
            public Download download(String uri) {
                Path file = fetcher.fetch(uri, null);
                SourceCache.Imported imported = cache.importFile(file);
                return new Download(
                        imported.path(),
                        imported.sha256().hex(),
                        imported.sha512().hex());
            }

            @Override
            public void unpack(BuildPlan plan, Path dir) {
                // destinations come from the recipe: kept inside dir, never through a link
                ContainedTree tree = ContainedTree.of(dir);
                for (Source s : plan.sources()) {
                    try {
                        if (s instanceof GitCheckoutStep g) {
                            git.checkout(
                                    new GitCheckout.Request(
                                            g.repository(),
                                            blank(g.branch()),
                                            blank(g.tag()),
                                            blank(g.expectedCommit())),
                                    tree,
                                    inTree(g.destination()));
                        } else if (s instanceof FetchStep f && f.extract()) {
                            SourceChecksum sum = f.expectedSha256() != null
                                            && !f.expectedSha256().isEmpty()
                                    ? SourceChecksum.sha256(f.expectedSha256())
                                    : f.expectedSha512() != null
                                                    && !f.expectedSha512().isEmpty()
                                            ? SourceChecksum.sha512(f.expectedSha512())
                                            : null;
                            Path archive = fetcher.fetch(f.uri(), sum);
                            untar(archive, tree.createDirectories(inTree(f.directory())), f.stripComponents());
                        }
                    } catch (ContentException e) {
                        throw new UpdateException(
                                plan.recipeFile(), "cannot unpack the sources: " + e.getMessage(), false, e);
                    }
                }
            }
        };
    }

    /** A recipe destination as a path inside the unpacked tree (a guest /home/build prefix dropped). */
    private static String inTree(String destination) {
        if (destination == null) {
            return "";
        }
        String home = "/home/build";
        return destination.equals(home)
                ? ""
                : destination.startsWith(home + "/") ? destination.substring(home.length() + 1) : destination;
    }

    private static void untar(Path archive, Path dir, int strip) {
        try {
            Files.createDirectories(dir);
            Process p = new ProcessBuilder(
                            "tar",
                            "-x",
                            "--no-same-owner",
                            "--strip-components=" + strip,
                            "-f",
                            archive.toString(),
                            "-C",
                            dir.toString())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(p.getInputStream().readAllBytes(), UTF_8);
            if (p.waitFor() != 0) {
                throw new UpdateException(archive.toString(), "tar failed: " + output.strip(), false, null);
            }
        } catch (IOException e) {
            throw new UpdateException(archive.toString(), "cannot unpack: " + e.getMessage(), false, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpdateException(archive.toString(), "interrupted", false, e);
        }
    }

    /** Compiles, builds, tests and publishes a recipe with the same options as {@code kiln build}. */
    public static Rebuilder rebuilder(
            PackageBuilder builder, List<Path> pipelineDirs, String arch, Function<Path, BuildOptions> optionsFor) {
        return recipe -> {
            BuildPlan plan;
            try {
                plan = Recipes.compile(recipe, pipelineDirs, CompileOptions.forArch(arch));
            } catch (RecipeException e) {
                return RebuildOutcome.failed(Objects.requireNonNullElse(e.getMessage(), e.toString()), null);
            }
            BuildOptions options = optionsFor.apply(recipe);
            Path sourceDir = BuildOptions.sourceDirBeside(recipe, plan.name());
            if (sourceDir != null) {
                options = options.withSourceDir(sourceDir);
            }
            Path log = PackageBuilder.logFile(plan, options);
            try {
                BuildResult result = builder.build(plan, options);
                return new RebuildOutcome(
                        true,
                        result.packages().stream()
                                .map(p -> new RebuildOutcome.Built(p.name(), p.fullVersion(), p.provides()))
                                .toList(),
                        null,
                        result.log());
            } catch (BuildException | SandboxException e) {
                return RebuildOutcome.failed(
                        Objects.requireNonNullElse(e.getMessage(), e.toString()), Files.exists(log) ? log : null);
            }
        };
    }

    private static @Nullable String blank(@Nullable String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
