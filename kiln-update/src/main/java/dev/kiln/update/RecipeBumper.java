package dev.kiln.update;

import dev.kiln.recipe.BuildPlan;
import dev.kiln.recipe.CompileOptions;
import dev.kiln.recipe.FetchStep;
import dev.kiln.recipe.GitCheckoutStep;
import dev.kiln.recipe.RecipeCompiler;
import dev.kiln.recipe.RecipeException;
import dev.kiln.recipe.RecipeLoader;
import dev.kiln.recipe.Source;
import dev.kiln.update.internal.RecipeNodes;
import dev.kiln.update.internal.TextEdits;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Rewrites a recipe for a new upstream version with the smallest textual change (recipes.md
 * 9.2): {@code version} double-quoted, {@code epoch} reset (or incremented for a re-tag),
 * fetch checksums recomputed from a fresh download, and {@code expected-commit} of every
 * git-checkout whose tag derives from the version. Every other byte is kept.
 */
public final class RecipeBumper {
    private final RecipeLoader loader;
    private final RecipeCompiler compiler;
    private final CompileOptions compileOptions;
    private final UpstreamSources sources;
    private final GitTagMonitor git;

    public RecipeBumper(
            RecipeLoader loader,
            RecipeCompiler compiler,
            CompileOptions compileOptions,
            UpstreamSources sources,
            GitTagMonitor git) {
        this.loader = loader;
        this.compiler = compiler;
        this.compileOptions = compileOptions;
        this.sources = sources;
        this.git = git;
    }

    /** The new text and a line per change made. */
    public record Bump(String text, List<String> changes) {
        public Bump {
            changes = List.copyOf(changes);
        }
    }

    public Bump bump(String file, String text, String newVersion) {
        RecipeNodes nodes = new RecipeNodes(file, text);
        RecipeNodes.Span version = require(nodes.scalar("package.version"), file, "package.version");
        boolean sameVersion = version.value().equals(newVersion);
        List<String> changes = new ArrayList<>();
        TextEdits edits = new TextEdits();
        if (!sameVersion) {
            edits.replace(version.start(), version.end(), "\"" + newVersion + "\"");
            changes.add("version " + version.value() + " -> " + newVersion);
        }
        epochEdit(nodes, version, sameVersion, edits, changes);

        // Mark every pinned checksum and commit with a unique placeholder, compile, and read back
        // which compiled source each placeholder became: that maps YAML nodes to substituted steps.
        List<RecipeNodes.Span> pins = new ArrayList<>();
        TextEdits marks = new TextEdits();
        for (RecipeNodes.StepNode step : nodes.steps()) {
            for (String key : List.of("expected-sha256", "expected-sha512", "expected-commit")) {
                if (!step.uses().equals(key.equals("expected-commit") ? "git-checkout" : "fetch")
                        || step.with() == null) {
                    continue;
                }
                RecipeNodes.Span pin = nodes.with(step, key);
                if (pin != null && !pin.value().isEmpty()) {
                    pins.add(pin);
                    int width = key.equals("expected-sha512") ? 128 : key.equals("expected-commit") ? 40 : 64;
                    marks.scalar(pin, marker(pins.size(), width));
                }
            }
        }
        String marked = marks.apply(text);
        Map<Integer, Source> fresh = compiledSources(
                file,
                new TextEdits()
                        .replace(version.start(), version.end(), "\"" + newVersion + "\"")
                        .apply(marked));
        Map<Integer, Source> old = sameVersion ? fresh : compiledSources(file, marked);
        for (int i = 1; i <= pins.size(); i++) {
            RecipeNodes.Span pin = pins.get(i - 1);
            Source src = fresh.get(i);
            if (src instanceof FetchStep f) {
                UpstreamSources.Download d = sources.download(f.uri());
                boolean is512 = f.expectedSha512() != null && f.expectedSha512().equals(marker(i, 128));
                edits.scalar(pin, is512 ? d.sha512() : d.sha256());
                changes.add((is512 ? "expected-sha512 " : "expected-sha256 ") + "of " + f.uri());
            } else if (src instanceof GitCheckoutStep g
                    && g.tag() != null
                    && !g.tag().isEmpty()
                    && (derived(old.get(i), g) || sameVersion)) {
                String commit = git.commitOf(g.repository(), g.tag());
                if (commit == null) {
                    throw new UpdateException(
                            file,
                            "git-checkout " + g.repository() + ": tag " + g.tag() + " does not exist upstream",
                            false,
                            null);
                }
                if (!commit.equals(pin.value())) {
                    edits.scalar(pin, commit);
                    changes.add("expected-commit " + g.tag() + " -> " + commit);
                }
            }
        }
        return new Bump(edits.apply(text), changes);
    }

    /** A rebuild of the same version: only the epoch line changes. */
    public static Bump incrementEpoch(String file, String text) {
        RecipeNodes nodes = new RecipeNodes(file, text);
        RecipeNodes.Span version = require(nodes.scalar("package.version"), file, "package.version");
        TextEdits edits = new TextEdits();
        List<String> changes = new ArrayList<>();
        epochEdit(nodes, version, true, edits, changes);
        return new Bump(edits.apply(text), changes);
    }

    private static void epochEdit(
            RecipeNodes nodes, RecipeNodes.Span version, boolean increment, TextEdits edits, List<String> changes) {
        RecipeNodes.Span epoch = nodes.scalar("package.epoch");
        if (epoch != null) {
            long current = Long.parseLong(epoch.value().strip());
            long next = increment ? current + 1 : 0;
            if (next != current) {
                edits.scalar(epoch, Long.toString(next));
                changes.add("epoch " + current + " -> " + next);
            }
        } else if (increment) {
            RecipeNodes.Span key = nodes.key("package.version");
            int lineEnd = nodes.text().indexOf('\n', version.end());
            // the version scalar was found, so its key was
            String indent = " "
                    .repeat(Objects.requireNonNull(key, "package.version key").column() - 1);
            edits.replace(lineEnd, lineEnd, "\n" + indent + "epoch: 1");
            changes.add("epoch 0 -> 1");
        }
    }

    private Map<Integer, Source> compiledSources(String file, String text) {
        BuildPlan plan;
        try {
            plan = compiler.compile(loader.parse(file, text), compileOptions);
        } catch (RecipeException e) {
            throw new UpdateException(file, "the bumped recipe does not compile: " + e.getMessage(), false, e);
        }
        Map<Integer, Source> out = new HashMap<>();
        for (Source s : plan.sources()) {
            String pin = s instanceof FetchStep f
                    ? (f.expectedSha256() != null && !f.expectedSha256().isEmpty()
                            ? f.expectedSha256()
                            : f.expectedSha512())
                    : ((GitCheckoutStep) s).expectedCommit();
            if (pin != null && pin.matches("f{8}0*[0-9a-f]{8}")) {
                out.put(Integer.parseInt(pin.substring(pin.length() - 8), 16), s);
            }
        }
        return out;
    }

    private static boolean derived(@Nullable Source old, GitCheckoutStep fresh) {
        return old instanceof GitCheckoutStep o && !Objects.equals(fresh.tag(), o.tag());
    }

    /** A hex placeholder no real digest looks like: {@code ffffffff000…000000NN}. */
    private static String marker(int index, int width) {
        return "ffffffff" + "0".repeat(width - 16) + String.format(Locale.ROOT, "%08x", index);
    }

    private static RecipeNodes.Span require(RecipeNodes.@Nullable Span span, String file, String path) {
        if (span == null) {
            throw new UpdateException(file, path + ": expected a scalar, found none");
        }
        return span;
    }
}
