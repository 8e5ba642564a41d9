package dev.kiln.recipe;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** Substituted dependencies of a package plan; priorities are null when not set. */
public record PackageDependencies(
        List<String> runtime,
        List<String> provides,
        List<String> replaces,
        @Nullable Integer providerPriority,
        @Nullable Integer replacesPriority) {
    public PackageDependencies {
        runtime = List.copyOf(runtime);
        provides = List.copyOf(provides);
        replaces = List.copyOf(replaces);
    }
}
