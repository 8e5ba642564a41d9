package dev.kiln.sandbox;

/**
 * How a sandboxed command ended.
 *
 * @param exitCode the command's exit status; when the sandbox killed it, the status the kill produced
 * @param timedOut true when the spec's timeout expired and the process tree was killed
 */
public record ExecResult(int exitCode, boolean timedOut) {

    public boolean succeeded() {
        return exitCode == 0 && !timedOut;
    }
}
