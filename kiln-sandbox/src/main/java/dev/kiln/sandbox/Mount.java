package dev.kiln.sandbox;

import java.nio.file.Path;
import java.util.Objects;

/** A host directory or file made visible at {@code guestPath} inside the sandbox. */
public record Mount(Path hostPath, String guestPath, boolean readOnly) {

    public Mount {
        Objects.requireNonNull(hostPath, "hostPath");
        SandboxSpec.requireAbsoluteGuestPath("mount guestPath", guestPath);
    }

    public static Mount readOnly(Path hostPath, String guestPath) {
        return new Mount(hostPath, guestPath, true);
    }

    public static Mount readWrite(Path hostPath, String guestPath) {
        return new Mount(hostPath, guestPath, false);
    }
}
