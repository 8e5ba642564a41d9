package dev.kiln.recipe;

import java.util.List;

/** Substituted dependencies of a package plan; priorities are null when not set. */
public record PackageDependencies(
        List<String> runtime,
        List<String> provides,
        List<String> replaces,
        Integer providerPriority,
        Integer replacesPriority) {
    public PackageDependencies {
        runtime = List.copyOf(runtime);
        provides = List.copyOf(provides);
        replaces = List.copyOf(replaces);
    }
}
