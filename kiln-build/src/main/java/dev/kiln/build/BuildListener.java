package dev.kiln.build;

/**
 * Progress of a build, for front ends to render (a line per step on a terminal, one JSON
 * object per event with {@code --json}). Libraries never print; they report here.
 */
@FunctionalInterface
public interface BuildListener {
    BuildListener NONE = event -> {};

    void onEvent(BuildEvent event);

    /**
     * One thing that happened. {@code index}/{@code total} count steps of the current phase
     * (0 when not applicable). An {@link Kind#ENVIRONMENT} event says which environment a build or test
     * runs in; its message starts with {@code cached} or {@code installed} (then the package count and
     * the environment's key), or is {@code host-toolchain}.
     */
    record BuildEvent(Kind kind, String packageName, String message, int index, int total) {
        public enum Kind {
            PHASE,
            STEP,
            SKIPPED,
            PACKAGE,
            WARNING,
            DONE,
            ENVIRONMENT
        }

        public static BuildEvent phase(String pkg, String message) {
            return new BuildEvent(Kind.PHASE, pkg, message, 0, 0);
        }
    }
}
