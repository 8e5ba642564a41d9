package dev.kiln.server;

import dev.kiln.build.BuildListener;

/** Receives a reconcile's progress; called on the reconciling thread, so it must not block for long. */
@FunctionalInterface
public interface ReconcileListener {
    ReconcileListener NONE = event -> {};

    void onEvent(ReconcileEvent event);

    /** The same listener as the package builder's listener. */
    default BuildListener asBuildListener() {
        return event -> onEvent(ReconcileEvent.of(event));
    }
}
