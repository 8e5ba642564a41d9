package dev.kiln.update;

import java.nio.file.Path;

/**
 * Builds, tests and publishes one recipe; kiln-cli implements it with the package builder and
 * the sandbox, which kiln-update must not depend on.
 */
@FunctionalInterface
public interface Rebuilder {
    RebuildOutcome rebuild(Path recipe);
}
