package dev.kiln.server;

import dev.kiln.recipe.CompileOptions;
import dev.kiln.recipe.PipelineLibrary;
import dev.kiln.recipe.Recipe;
import dev.kiln.recipe.RecipeCompiler;
import dev.kiln.update.RebuildGraph;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A reconcile's recipes, loaded and compiled once: each with the file it came from, and their rebuild graph, which
 * both the build order and the package pages' facts ({@link PackageFacts}) read.
 *
 * @param files  every recipe file of the reconcile, in the order given
 * @param loaded the recipes that loaded, each with its file
 * @param graph  their rebuild graph, compiled for the settings' architecture
 */
record CatalogGraph(List<Path> files, Map<Recipe, Path> loaded, RebuildGraph graph) {
    CatalogGraph {
        files = List.copyOf(files);
        loaded = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(loaded));
    }

    static CatalogGraph of(List<Path> files, Settings settings) {
        Map<Recipe, Path> loaded = new LinkedHashMap<>();
        for (Path file : files) {
            UpdatePorts.load(List.of(file), settings.pipelineDirs(), new ArrayList<>())
                    .forEach(r -> loaded.put(r, file));
        }
        RebuildGraph graph = RebuildGraph.of(
                List.copyOf(loaded.keySet()),
                new RecipeCompiler(PipelineLibrary.withBuiltins(settings.pipelineDirs())),
                CompileOptions.forArch(settings.arch()));
        return new CatalogGraph(files, loaded, graph);
    }

    /**
     * The files in rebuild order (a recipe after those whose packages its environment needs), as the build queue
     * orders its jobs: a catalog built from repositories resolves curl's environment only once openssl-dev is
     * published. Files that did not load come last; their builds report why.
     */
    List<Path> inRebuildOrder() {
        Map<String, Path> byOrigin = new LinkedHashMap<>();
        loaded.forEach((recipe, file) -> byOrigin.putIfAbsent(recipe.pkg().name(), file));
        Set<Path> ordered = new LinkedHashSet<>();
        for (String origin : graph.order().origins()) {
            Path file = byOrigin.get(origin);
            if (file != null) {
                ordered.add(file);
            }
        }
        ordered.addAll(files);
        return List.copyOf(ordered);
    }
}
