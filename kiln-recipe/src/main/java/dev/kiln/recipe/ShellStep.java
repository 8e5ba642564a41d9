package dev.kiln.recipe;

import java.util.Map;

/**
 * A shell fragment (comments stripped, substituted). The builder wraps it: {@code set -eo pipefail},
 * create and enter {@code workingDirectory}, the fragment, {@code exit 0}.
 */
public record ShellStep(String label, String script, String workingDirectory, Map<String, String> environment)
        implements Step {
    public ShellStep {
        environment = Map.copyOf(environment);
    }
}
