package dev.kiln.build;

import dev.kiln.sandbox.IdentityMap;
import java.nio.file.Path;

/**
 * Where a build's steps run. The package builder fetches the sources, makes the workspace and compiles the steps;
 * the runner runs them, leaving the outputs in the workspace's {@code melange-out/}; the builder then packages
 * them. The default runs each step on this host in the package builder's sandbox; another (Kubernetes, in
 * kiln-server) runs all of them as one script elsewhere, with the workspace on a volume both sides see.
 */
public interface BuildRunner {
    /**
     * How the owners of the files the steps wrote map to the owners the package records (as the build saw them;
     * ids the map does not cover are recorded as root).
     */
    IdentityMap identity();

    /**
     * Where the build's workspace is made: the options' work root, or a directory that the runner's guests see too
     * (a shared volume).
     */
    default Path workRoot(BuildOptions options) {
        return options.workRoot();
    }

    /**
     * True when the steps run on this host, over a build environment Kiln installs here from packages (or the
     * host's {@code /usr}); false when the runner brings its own environment (an image) and Kiln installs none.
     */
    default boolean installsEnvironment() {
        return true;
    }

    /**
     * Runs the steps to their end.
     *
     * @throws BuildException naming the step that failed, or what kept the steps from running
     */
    void run(BuildSteps steps);
}
