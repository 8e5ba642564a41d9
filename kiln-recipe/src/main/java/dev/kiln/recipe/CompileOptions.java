package dev.kiln.recipe;

import java.util.Map;
import java.util.Set;

/** What to compile a recipe for: the APK arch, the enabled build options and extra vars. */
public record CompileOptions(String arch, Set<String> enabledOptions, Map<String, String> extraVars) {
    public CompileOptions {
        enabledOptions = Set.copyOf(enabledOptions);
        extraVars = Map.copyOf(extraVars);
    }

    public static CompileOptions forArch(String arch) {
        return new CompileOptions(arch, Set.of(), Map.of());
    }

    public CompileOptions withOption(String name) {
        java.util.Set<String> s = new java.util.HashSet<>(enabledOptions);
        s.add(name);
        return new CompileOptions(arch, s, extraVars);
    }
}
