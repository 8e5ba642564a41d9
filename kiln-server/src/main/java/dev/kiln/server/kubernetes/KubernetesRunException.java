package dev.kiln.server.kubernetes;

/**
 * A build on Kubernetes that could not run or did not succeed. The message names the Job (and pod), what the
 * cluster reported and what to change: a missing permission, an image that cannot be pulled, a memory limit
 * from the recipe that was too small, a deadline that was too short, the script's exit status.
 */
public class KubernetesRunException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a build failed, for callers that react differently (retry a lost pod, not a failing script). */
    public enum Reason {
        /** The API server refused a request: permissions, a missing namespace, a malformed object. */
        API,
        /** The image could not be pulled or the container could not be created. */
        IMAGE,
        /** The script exited with a non-zero status. */
        SCRIPT,
        /** The container was killed for exceeding its memory limit. */
        OUT_OF_MEMORY,
        /** The Job ran past its activeDeadlineSeconds. */
        DEADLINE,
        /** The Job or its pod disappeared, or failed for a reason the cluster gave no detail for. */
        LOST
    }

    private final Reason reason;

    public KubernetesRunException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public KubernetesRunException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
