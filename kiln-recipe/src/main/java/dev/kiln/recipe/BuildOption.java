package dev.kiln.recipe;

import java.util.List;
import java.util.Map;

/** A named build variant: vars to overlay and build packages to add or remove when enabled. */
public record BuildOption(Map<String, String> vars, List<String> addPackages, List<String> removePackages) {
    public BuildOption {
        vars = Map.copyOf(vars);
        addPackages = List.copyOf(addPackages);
        removePackages = List.copyOf(removePackages);
    }
}
