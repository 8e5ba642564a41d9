package dev.kiln.recipe;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One pipeline step as written, in a recipe or a pipeline definition. {@code path} locates it in
 * its file (e.g. {@code subpackages[1].pipeline[0]}) for error messages. Absent strings are null.
 */
public record PipelineStep(
        String path,
        @Nullable String name,
        @Nullable String uses,
        Map<String, String> with,
        @Nullable String runs,
        List<PipelineStep> pipeline,
        Map<String, InputSpec> inputs,
        List<String> needs,
        @Nullable String label,
        @Nullable String ifCondition,
        @Nullable Integer requiredSteps,
        @Nullable String workingDirectory,
        Map<String, String> environment,
        @Nullable String description) {
    public PipelineStep {
        with = Map.copyOf(with);
        pipeline = List.copyOf(pipeline);
        inputs = Map.copyOf(inputs);
        needs = List.copyOf(needs);
        environment = Map.copyOf(environment);
    }
}
