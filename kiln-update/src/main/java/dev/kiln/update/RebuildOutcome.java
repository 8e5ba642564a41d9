package dev.kiln.update;

import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The result of a rebuild: on success the packages published ({@code name-version-rN}) with what
 * each provides (for soname propagation); on failure a message and the log.
 */
public record RebuildOutcome(
        boolean success,
        List<Built> packages,
        @Nullable String message,
        @Nullable Path log) {
    public RebuildOutcome {
        packages = List.copyOf(packages);
    }

    public record Built(String name, String fullVersion, List<String> provides) {
        public Built {
            provides = List.copyOf(provides);
        }
    }

    public static RebuildOutcome failed(String message, @Nullable Path log) {
        return new RebuildOutcome(false, List.of(), message, log);
    }
}
