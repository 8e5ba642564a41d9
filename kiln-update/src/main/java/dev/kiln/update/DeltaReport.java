package dev.kiln.update;

import dev.kiln.update.internal.RecipeNodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.jspecify.annotations.Nullable;

/**
 * Every local patch a recipe still carries, with the reason written beside it (the comments on
 * and above its {@code patch} step, and any advisory ids in them) and since when it has been
 * carried: the first commit that added the patch file, or its modification time outside git.
 */
public final class DeltaReport {
    private static final Pattern ADVISORY = Pattern.compile("\\b(CVE-\\d{4}-\\d{4,}|GHSA(?:-[0-9a-z]{4}){3})\\b");
    private final Clock clock;

    public DeltaReport(Clock clock) {
        this.clock = clock;
    }

    /** One carried patch; {@code reason} is empty when the recipe gives none. */
    public record Delta(
            String recipe,
            String patch,
            String reason,
            List<String> advisories,
            @Nullable Instant since,
            String sinceSource,
            @Nullable Duration carried) {
        public Delta {
            advisories = List.copyOf(advisories);
        }
    }

    public List<Delta> of(Path recipeFile, String packageName) {
        String text;
        try {
            text = Files.readString(recipeFile);
        } catch (IOException e) {
            throw new UpdateException(recipeFile.toString(), "cannot read: " + e.getMessage(), false, e);
        }
        RecipeNodes nodes = new RecipeNodes(recipeFile.getFileName().toString(), text);
        Path patchDir = UpdateApplier.parentOf(recipeFile).resolve(packageName);
        List<Delta> out = new ArrayList<>();
        for (RecipeNodes.StepNode step : nodes.steps()) {
            RecipeNodes.Span patches = step.with() == null ? null : nodes.with(step, "patches");
            if (!step.uses().equals("patch") || patches == null) {
                continue;
            }
            String reason = comments(text, step);
            Set<String> advisories = new LinkedHashSet<>();
            Matcher m = ADVISORY.matcher(reason);
            while (m.find()) {
                advisories.add(m.group(1));
            }
            for (String name : patches.value().strip().split("\\s+")) {
                Path file = patchDir.resolve(name);
                Instant since = null;
                String source = "missing";
                if (Files.isRegularFile(file)) {
                    since = firstCommitTime(file);
                    source = "git";
                    if (since == null) {
                        since = mtime(file);
                        source = "mtime";
                    }
                }
                out.add(new Delta(
                        recipeFile.getFileName().toString(),
                        name,
                        reason,
                        List.copyOf(advisories),
                        since,
                        source,
                        since == null ? null : Duration.between(since, clock.instant())));
            }
        }
        return out;
    }

    /** Comment lines right above the step and comments on the step's own lines, joined. */
    private static String comments(String text, RecipeNodes.StepNode step) {
        List<String> parts = new ArrayList<>();
        int lineStart = text.lastIndexOf('\n', step.start() - 1) + 1;
        List<String> above = new ArrayList<>();
        int at = lineStart;
        while (at > 0) {
            int prev = text.lastIndexOf('\n', at - 2) + 1;
            String line = text.substring(prev, at).strip();
            if (!line.startsWith("#")) {
                break;
            }
            above.add(0, line.substring(1).strip());
            at = prev;
        }
        parts.addAll(above);
        for (String line :
                text.substring(lineStart, Math.min(step.end(), text.length())).split("\n")) {
            int hash = line.indexOf(" #");
            if (hash >= 0) {
                parts.add(line.substring(hash + 2).strip());
            } else if (line.strip().startsWith("#")) {
                parts.add(line.strip().substring(1).strip());
            }
        }
        return String.join(" ", parts).strip();
    }

    private static @Nullable Instant firstCommitTime(Path file) {
        FileRepositoryBuilder builder = new FileRepositoryBuilder()
                .findGitDir(UpdateApplier.parentOf(file).toFile());
        if (builder.getGitDir() == null) {
            return null;
        }
        try (var repo = builder.build();
                Git git = new Git(repo)) {
            Path top = repo.getWorkTree().toPath().toRealPath();
            String rel = top.relativize(file.toRealPath()).toString().replace('\\', '/');
            Instant first = null;
            for (RevCommit c : git.log().addPath(rel).call()) {
                first = Instant.ofEpochSecond(c.getCommitTime()); // log is newest first; keep the oldest
            }
            return first;
        } catch (Exception e) {
            return null; // not committed, or an unreadable repository: fall back to the file time
        }
    }

    private static @Nullable Instant mtime(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            return null;
        }
    }
}
