package dev.kiln.sandbox;

import java.io.OutputStream;

/**
 * Runs one command in isolation. Implementations own process creation so that engine code never
 * starts processes itself and tests can swap in another isolation mechanism.
 */
public interface Sandbox {

    /**
     * Runs {@code spec.command()} and waits for it (or for the timeout).
     *
     * @param log receives the process's stdout and stderr, interleaved, as they are produced; it is
     *     flushed but not closed
     * @throws SandboxException when the sandbox cannot be started or its output cannot be copied
     */
    ExecResult run(SandboxSpec spec, OutputStream log);

    /** How the ids inside this sandbox map to host ids, so that what a build chowned can be read back. */
    IdentityMap identity();
}
