package dev.kiln.recipe;

import java.util.List;
import java.util.Map;

/** How to test one package: the guest's extra packages (sorted, with pipeline needs) and steps. */
public record TestPlan(List<String> environmentPackages, Map<String, String> environmentVariables, List<Step> steps) {
    public TestPlan {
        environmentPackages = List.copyOf(environmentPackages);
        environmentVariables = Map.copyOf(environmentVariables);
        steps = List.copyOf(steps);
    }
}
