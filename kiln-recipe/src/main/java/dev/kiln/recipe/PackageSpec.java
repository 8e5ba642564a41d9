package dev.kiln.recipe;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The {@code package} block. {@code epochSet} tells whether {@code epoch} was written. */
public record PackageSpec(
        String name,
        String version,
        long epoch,
        boolean epochSet,
        @Nullable String description,
        @Nullable String url,
        @Nullable String commit,
        Map<String, String> annotations,
        List<String> targetArchitecture,
        List<CopyrightEntry> copyright,
        DependenciesSpec dependencies,
        PackageOptions options,
        Scriptlets scriptlets,
        List<String> checksDisabled,
        @Nullable Cpe cpe,
        List<SetCap> setcap,
        @Nullable String timeout,
        @Nullable Resources resources,
        @Nullable Resources testResources) {
    public PackageSpec {
        annotations = Map.copyOf(annotations);
        targetArchitecture = List.copyOf(targetArchitecture);
        copyright = List.copyOf(copyright);
        checksDisabled = List.copyOf(checksDisabled);
        setcap = List.copyOf(setcap);
    }
}
