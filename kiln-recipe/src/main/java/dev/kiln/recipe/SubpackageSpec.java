package dev.kiln.recipe;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** One {@code subpackages} entry as written (before range expansion). */
public record SubpackageSpec(
        String path,
        String name,
        @Nullable String description,
        @Nullable String url,
        @Nullable String commit,
        Map<String, String> annotations,
        DependenciesSpec dependencies,
        PackageOptions options,
        Scriptlets scriptlets,
        List<String> checksDisabled,
        List<SetCap> setcap,
        List<PipelineStep> pipeline,
        @Nullable TestSpec test,
        @Nullable String ifCondition,
        @Nullable String range) {
    public SubpackageSpec {
        annotations = Map.copyOf(annotations);
        checksDisabled = List.copyOf(checksDisabled);
        setcap = List.copyOf(setcap);
        pipeline = List.copyOf(pipeline);
    }
}
