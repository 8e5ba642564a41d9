package dev.kiln.update;

import dev.kiln.update.internal.RecipeNodes;
import dev.kiln.update.internal.TextEdits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Checks every local patch of a recipe against the new upstream tree: a patch that applies in
 * reverse is already upstream and is removed from the recipe (the whole {@code patch} step when
 * it was the last one); a patch that applies forward stays; anything else stops the update.
 */
public final class DeltaMinimizer {
    private final PatchTool patch;

    public DeltaMinimizer(PatchTool patch) {
        this.patch = patch;
    }

    /** A patch removed from the recipe and why. */
    public record Dropped(String patch, String reason) {}

    public record Result(String text, List<Dropped> dropped, List<String> kept) {
        public Result {
            dropped = List.copyOf(dropped);
            kept = List.copyOf(kept);
        }
    }

    /**
     * Returns the recipe without the patches that the new upstream already contains.
     *
     * @param patchDir where the recipe's patch files are (the build's source dir)
     * @param upstream the unpacked new upstream tree
     * @throws UpdateException when a patch applies neither way
     */
    public Result minimize(String file, String text, Path patchDir, Path upstream, String newVersion) {
        RecipeNodes nodes = new RecipeNodes(file, text);
        TextEdits edits = new TextEdits();
        List<Dropped> dropped = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (RecipeNodes.StepNode step : nodes.steps()) {
            if (!step.uses().equals("patch") || step.with() == null) {
                continue;
            }
            RecipeNodes.Span names = nodes.with(step, "patches");
            if (names == null) {
                continue; // a quilt series: left to the build
            }
            RecipeNodes.Span stripSpan = nodes.with(step, "strip-components");
            int strip = stripSpan == null ? 1 : stripComponents(file, stripSpan);
            List<String> remaining = new ArrayList<>();
            for (String name : names.value().strip().split("\\s+")) {
                Path p = patchDir.resolve(name);
                if (!Files.isRegularFile(p)) {
                    throw new UpdateException(file, "patch " + name + " is not in " + patchDir);
                }
                if (patch.applies(upstream, p, strip, true)) {
                    dropped.add(
                            new Dropped(name, "upstream " + newVersion + " already contains it (applies in reverse)"));
                } else if (patch.applies(upstream, p, strip, false)) {
                    remaining.add(name);
                    kept.add(name);
                } else {
                    throw new UpdateException(
                            file,
                            "patch " + name + " no longer applies to upstream " + newVersion
                                    + "; rebase it or drop it by hand before updating");
                }
            }
            if (remaining.isEmpty()) {
                removeStep(nodes.text(), step, edits);
            } else if (remaining.size() < names.value().strip().split("\\s+").length) {
                char indicator = nodes.text().charAt(names.start());
                if (names.quote() == 0 && (indicator == '|' || indicator == '>')) {
                    edits.replace(
                            names.start(),
                            names.end(),
                            rewriteBlock(nodes.text().substring(names.start(), names.end()), remaining));
                } else {
                    edits.scalar(names, String.join(" ", remaining));
                }
            }
        }
        return new Result(edits.apply(text), dropped, kept);
    }

    private static int stripComponents(String file, RecipeNodes.Span span) {
        try {
            return Integer.parseInt(span.value().strip());
        } catch (NumberFormatException e) {
            throw new UpdateException(
                    file + ":" + span.line() + ":" + span.column(),
                    "patch step: with.strip-components must be a whole number, got '" + span.value() + "'",
                    false,
                    e);
        }
    }

    /** Deletes the step's lines and the comment lines right above it (they describe the step). */
    private static void removeStep(String text, RecipeNodes.StepNode step, TextEdits edits) {
        int start = text.lastIndexOf('\n', step.start() - 1) + 1;
        while (start > 0) {
            int prev = text.lastIndexOf('\n', start - 2) + 1;
            if (!text.substring(prev, start).strip().startsWith("#")) {
                break;
            }
            start = prev;
        }
        // the node ends where the next token starts: keep lines whose content begins before that
        int end = start;
        int p = text.lastIndexOf('\n', step.start() - 1) + 1;
        while (p < text.length()) {
            int nl = text.indexOf('\n', p);
            int lineEnd = nl < 0 ? text.length() : nl + 1;
            String raw = text.substring(p, lineEnd);
            int first = p + (raw.length() - raw.stripLeading().length());
            if (first >= step.end()) {
                break;
            }
            if (!raw.isBlank() && !raw.strip().startsWith("#")) {
                end = lineEnd;
            }
            p = lineEnd;
        }
        edits.replace(start, end, "");
    }

    private static String rewriteBlock(String block, List<String> remaining) {
        List<String> lines = new ArrayList<>(Arrays.asList(block.split("\n", -1)));
        lines.removeIf(l -> !l.isBlank()
                && !l.strip().startsWith("|")
                && !l.strip().startsWith(">")
                && !remaining.contains(l.strip()));
        return String.join("\n", lines);
    }
}
