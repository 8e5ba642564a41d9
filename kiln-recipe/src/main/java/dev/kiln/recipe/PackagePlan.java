package dev.kiln.recipe;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** One output package. {@code steps} is empty for the main package (see {@link BuildPlan#steps()}). */
public record PackagePlan(
        String name,
        String description,
        @Nullable String url,
        @Nullable String commit,
        PackageDependencies dependencies,
        PackageOptions options,
        Map<String, String> scriptlets,
        List<String> triggerPaths,
        Set<String> checksDisabled,
        List<SetCap> setcap,
        List<Step> steps,
        @Nullable TestPlan test,
        @Nullable Cpe cpe) {
    public PackagePlan {
        scriptlets = Map.copyOf(scriptlets);
        triggerPaths = List.copyOf(triggerPaths);
        checksDisabled = Set.copyOf(checksDisabled);
        setcap = List.copyOf(setcap);
        steps = List.copyOf(steps);
    }
}
