package dev.kiln.recipe;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@code dependencies} as written; priorities stay strings until substituted at compile time. */
public record DependenciesSpec(
        List<String> runtime,
        List<String> provides,
        List<String> replaces,
        @Nullable String providerPriority,
        @Nullable String replacesPriority) {
    public static final DependenciesSpec NONE = new DependenciesSpec(List.of(), List.of(), List.of(), null, null);

    public DependenciesSpec {
        runtime = List.copyOf(runtime);
        provides = List.copyOf(provides);
        replaces = List.copyOf(replaces);
    }
}
