package dev.kiln.recipe;

import java.util.List;

/** One {@code package.copyright} entry. */
public record CopyrightEntry(
        String license, List<String> paths, String attestation, String licensePath, String detectionOverride) {
    public CopyrightEntry {
        paths = List.copyOf(paths);
    }
}
