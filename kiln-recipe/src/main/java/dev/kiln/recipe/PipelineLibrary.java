package dev.kiln.recipe;

import dev.kiln.content.Problem;
import dev.kiln.recipe.internal.RecipeParsing;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves {@code uses: NAME}: each pipeline directory in order, then Kiln's built-in
 * definitions (recipes.md section 5). Parsed definitions are cached; the library is thread-safe.
 */
public final class PipelineLibrary {
    private static final String RESOURCES = "/dev/kiln/recipe/pipelines/";
    private static final List<String> BUILTINS = readIndex();

    private final List<Path> dirs;
    private final Map<String, Optional<PipelineDefinition>> cache = new ConcurrentHashMap<>();

    private PipelineLibrary(List<Path> dirs) {
        this.dirs = List.copyOf(dirs);
    }

    public static PipelineLibrary withBuiltins(List<Path> pipelineDirs) {
        return new PipelineLibrary(pipelineDirs);
    }

    /** Names of the built-in definitions, sorted. */
    public List<String> names() {
        return BUILTINS;
    }

    public List<Path> directories() {
        return dirs;
    }

    /**
     * The definition {@code uses} refers to, if any.
     *
     * @throws RecipeException when the name is absolute or contains '..', or the definition file is invalid
     */
    public Optional<PipelineDefinition> find(String uses) {
        if (uses.isEmpty()
                || uses.startsWith("/")
                || Arrays.asList(uses.split("/")).contains("..")) {
            throw RecipeException.of(
                    uses, 0, 0, "pipeline name '" + uses + "' must be relative and must not contain '..'");
        }
        Optional<PipelineDefinition> hit = cache.get(uses);
        if (hit == null) {
            hit = lookup(uses);
            cache.putIfAbsent(uses, hit);
        }
        return hit;
    }

    private Optional<PipelineDefinition> lookup(String uses) {
        for (Path dir : dirs) {
            Path f = dir.resolve(uses + ".yaml");
            if (Files.isRegularFile(f)) {
                try {
                    return Optional.of(parse(uses, f.toString(), Files.readString(f, StandardCharsets.UTF_8), false));
                } catch (IOException e) {
                    throw new RecipeException(List.of(new Problem(f.toString(), 0, 0, "cannot read: " + e)), e);
                }
            }
        }
        if (!BUILTINS.contains(uses)) {
            return Optional.empty();
        }
        try (InputStream in = PipelineLibrary.class.getResourceAsStream(RESOURCES + uses + ".yaml")) {
            if (in == null) {
                return Optional.empty();
            }
            return Optional.of(parse(
                    uses, "builtin:" + uses + ".yaml", new String(in.readAllBytes(), StandardCharsets.UTF_8), true));
        } catch (IOException e) {
            throw new RecipeException(List.of(new Problem(uses, 0, 0, "cannot read built-in pipeline: " + e)), e);
        }
    }

    /** Parses a definition file; exposed for tests and tools that validate definition directories. */
    public static PipelineDefinition parse(String name, String source, String text, boolean builtin) {
        return RecipeParsing.definition(name, source, text, builtin);
    }

    private static List<String> readIndex() {
        try (InputStream in = PipelineLibrary.class.getResourceAsStream(RESOURCES + "index.txt")) {
            if (in == null) {
                return List.of();
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .map(String::strip)
                    .filter(s -> !s.isEmpty() && !s.startsWith("#"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
