package dev.kiln.recipe;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A reusable pipeline ({@code uses: NAME}): declared inputs, needed packages and its steps. */
public record PipelineDefinition(
        String name,
        String source,
        @Nullable String title,
        @Nullable String description,
        List<String> needs,
        Map<String, InputSpec> inputs,
        List<PipelineStep> pipeline,
        boolean builtin) {
    public PipelineDefinition {
        needs = List.copyOf(needs);
        inputs = Map.copyOf(inputs);
        pipeline = List.copyOf(pipeline);
    }
}
