package dev.kiln.build;

import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The outcome of a successful build: its packages (main first) and the full log. */
public record BuildResult(
        String recipe,
        String arch,
        boolean skipped,
        @Nullable String skipReason,
        List<BuiltPackage> packages,
        @Nullable Path log) {
    public BuildResult {
        packages = List.copyOf(packages);
    }

    static BuildResult skipped(String recipe, String arch, String reason) {
        return new BuildResult(recipe, arch, true, reason, List.of(), null);
    }
}
