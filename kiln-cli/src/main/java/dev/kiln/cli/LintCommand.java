package dev.kiln.cli;

import dev.kiln.recipe.BuildPlan;
import dev.kiln.recipe.CompileOptions;
import dev.kiln.recipe.LintFinding;
import dev.kiln.recipe.PipelineLibrary;
import dev.kiln.recipe.Recipe;
import dev.kiln.recipe.RecipeCompiler;
import dev.kiln.recipe.RecipeException;
import dev.kiln.recipe.RecipeLinter;
import dev.kiln.recipe.RecipeLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "lint",
        description = {
            "Load, compile and lint recipes; directories are searched for *.yaml.",
            "Exits 1 when a recipe does not load or has an error-level finding."
        })
final class LintCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "recipe files or directories")
    List<Path> paths;

    @Option(names = "--pipeline-dir", description = "directory of pipeline definitions; repeatable")
    List<Path> pipelineDirs = new ArrayList<>();

    @Option(names = "--arch", description = "architecture to compile for (default: ${DEFAULT-VALUE})")
    String arch = Defaults.hostArch();

    @Option(names = "--summary", description = "print only the summary and the recipes that failed to load")
    boolean summaryOnly;

    @Option(names = "--json", description = "machine-readable output")
    boolean json;

    @Override
    public Integer call() throws IOException {
        Output out = Output.of(spec, json);
        List<Path> files = expand(paths);
        RecipeLoader loader = new RecipeLoader(pipelineDirs);
        PipelineLibrary library = PipelineLibrary.withBuiltins(pipelineDirs);
        RecipeCompiler compiler = new RecipeCompiler(library);
        RecipeLinter linter = new RecipeLinter(library);
        long started = System.nanoTime();
        int loaded = 0;
        List<String> failed = new ArrayList<>();
        Map<LintFinding.Severity, Integer> counts = new EnumMap<>(LintFinding.Severity.class);
        Map<String, Integer> byRule = new TreeMap<>();
        for (Path file : files) {
            try {
                Recipe recipe = loader.load(file);
                BuildPlan plan = compiler.compile(recipe, CompileOptions.forArch(arch));
                loaded++;
                for (LintFinding f : linter.lint(recipe, plan)) {
                    counts.merge(f.severity(), 1, Integer::sum);
                    byRule.merge(f.rule(), 1, Integer::sum);
                    if (!summaryOnly) {
                        out.say(f.file() + ":" + f.line() + ":" + f.column() + ": "
                                + f.severity().name().toLowerCase(java.util.Locale.ROOT) + ": " + f.rule() + ": "
                                + f.message());
                    }
                    out.emit(Output.fields(
                            "event",
                            "finding",
                            "file",
                            f.file(),
                            "line",
                            f.line(),
                            "column",
                            f.column(),
                            "severity",
                            f.severity().name(),
                            "rule",
                            f.rule(),
                            "message",
                            f.message()));
                }
            } catch (RecipeException e) {
                String message =
                        Objects.requireNonNull(e.getMessage(), "a RecipeException's message lists its problems");
                failed.add(message);
                out.say(message);
                out.emit(Output.fields("event", "load-failed", "file", file.toString(), "message", message));
            }
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        int errors = counts.getOrDefault(LintFinding.Severity.ERROR, 0);
        out.say(String.format(
                "%d recipes: %d loaded and compiled, %d failed to load; findings: %d errors, %d warnings, %d info (%d ms)",
                files.size(),
                loaded,
                failed.size(),
                errors,
                counts.getOrDefault(LintFinding.Severity.WARNING, 0),
                counts.getOrDefault(LintFinding.Severity.INFO, 0),
                millis));
        if (!byRule.isEmpty()) {
            out.say("by rule: " + byRule);
        }
        out.emit(Output.fields(
                "event",
                "summary",
                "recipes",
                files.size(),
                "loaded",
                loaded,
                "failed",
                failed.size(),
                "errors",
                errors,
                "warnings",
                counts.getOrDefault(LintFinding.Severity.WARNING, 0),
                "info",
                counts.getOrDefault(LintFinding.Severity.INFO, 0),
                "byRule",
                byRule,
                "millis",
                millis));
        return failed.isEmpty() && errors == 0 ? 0 : 1;
    }

    static List<Path> expand(List<Path> paths) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                files.addAll(CatalogFiles.yamlFiles(p));
            } else {
                files.add(p);
            }
        }
        return files;
    }
}
