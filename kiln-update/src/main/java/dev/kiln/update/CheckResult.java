package dev.kiln.update;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the bot found for one recipe. {@code newest} is null unless a candidate survived
 * normalisation; {@code message} explains FAILED, UNSUPPORTED and NO_CANDIDATE.
 */
public record CheckResult(
        String recipe,
        String packageName,
        String current,
        @Nullable String monitor,
        Status status,
        VersionNormalizer.@Nullable Candidate newest,
        List<VersionNormalizer.Skipped> skipped,
        @Nullable String message) {

    public enum Status {
        UP_TO_DATE,
        UPDATE,
        RETAG,
        NO_CANDIDATE,
        UNSUPPORTED,
        FAILED
    }

    public CheckResult {
        skipped = List.copyOf(skipped);
    }

    public boolean actionable() {
        return status == Status.UPDATE || status == Status.RETAG;
    }
}
