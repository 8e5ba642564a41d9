package dev.kiln.recipe;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** One {@code package.copyright} entry. */
public record CopyrightEntry(
        String license,
        List<String> paths,
        @Nullable String attestation,
        @Nullable String licensePath,
        @Nullable String detectionOverride) {
    public CopyrightEntry {
        paths = List.copyOf(paths);
    }
}
