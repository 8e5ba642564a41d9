package dev.kiln.recipe;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** One output package. {@code steps} is empty for the main package (see {@link BuildPlan#steps()}). */
public record PackagePlan(
        String name,
        String description,
        String url,
        String commit,
        PackageDependencies dependencies,
        PackageOptions options,
        Map<String, String> scriptlets,
        List<String> triggerPaths,
        Set<String> checksDisabled,
        List<SetCap> setcap,
        List<Step> steps,
        TestPlan test,
        Cpe cpe) {
    public PackagePlan {
        scriptlets = Map.copyOf(scriptlets);
        triggerPaths = List.copyOf(triggerPaths);
        checksDisabled = Set.copyOf(checksDisabled);
        setcap = List.copyOf(setcap);
        steps = List.copyOf(steps);
    }
}
