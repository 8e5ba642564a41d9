package dev.kiln.build;

import dev.kiln.sandbox.IdentityMap;
import dev.kiln.sandbox.Sandbox;

/** The default runner: each step on this host, its shell command as one process of the package builder's sandbox. */
final class SandboxRunner implements BuildRunner {
    private final Sandbox sandbox;

    SandboxRunner(Sandbox sandbox) {
        this.sandbox = sandbox;
    }

    @Override
    public IdentityMap identity() {
        return sandbox.identity();
    }

    @Override
    public void run(BuildSteps steps) {
        steps.runHere();
    }
}
