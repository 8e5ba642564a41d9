package dev.kiln.recipe;

import java.util.List;
import java.util.Map;

/** The {@code package} block. {@code epochSet} tells whether {@code epoch} was written. */
public record PackageSpec(
        String name,
        String version,
        long epoch,
        boolean epochSet,
        String description,
        String url,
        String commit,
        Map<String, String> annotations,
        List<String> targetArchitecture,
        List<CopyrightEntry> copyright,
        DependenciesSpec dependencies,
        PackageOptions options,
        Scriptlets scriptlets,
        List<String> checksDisabled,
        Cpe cpe,
        List<SetCap> setcap,
        String timeout,
        Resources resources,
        Resources testResources) {
    public PackageSpec {
        annotations = Map.copyOf(annotations);
        targetArchitecture = List.copyOf(targetArchitecture);
        copyright = List.copyOf(copyright);
        checksDisabled = List.copyOf(checksDisabled);
        setcap = List.copyOf(setcap);
    }
}
