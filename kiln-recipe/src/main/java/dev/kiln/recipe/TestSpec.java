package dev.kiln.recipe;

import java.util.List;

/** A {@code test} block: the guest's environment and the steps that test the package. */
public record TestSpec(String path, BuildEnvironment environment, List<PipelineStep> pipeline) {
    public TestSpec {
        pipeline = List.copyOf(pipeline);
    }
}
