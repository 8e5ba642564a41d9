package dev.kiln.recipe;

import java.util.List;
import java.util.Map;

/**
 * One pipeline step as written, in a recipe or a pipeline definition. {@code path} locates it in
 * its file (e.g. {@code subpackages[1].pipeline[0]}) for error messages. Absent strings are null.
 */
public record PipelineStep(
        String path,
        String name,
        String uses,
        Map<String, String> with,
        String runs,
        List<PipelineStep> pipeline,
        Map<String, InputSpec> inputs,
        List<String> needs,
        String label,
        String ifCondition,
        Integer requiredSteps,
        String workingDirectory,
        Map<String, String> environment,
        String description) {
    public PipelineStep {
        with = Map.copyOf(with);
        pipeline = List.copyOf(pipeline);
        inputs = Map.copyOf(inputs);
        needs = List.copyOf(needs);
        environment = Map.copyOf(environment);
    }
}
