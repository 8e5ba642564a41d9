package dev.kiln.server.kubernetes;

import dev.kiln.server.SettingsException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Where and how the Kubernetes runner runs builds.
 *
 * <p>The workspace travels through a shared volume, not through the API server: {@code workspaceClaim} is a
 * ReadWriteMany PersistentVolumeClaim in {@code namespace}, and {@code workspaceRoot} is where the same volume
 * is mounted on the machine that runs Kiln. Each build gets the sub-directory named after its Job, mounted in the
 * pod at {@code /home/build} with {@code subPath}; Kiln writes the inputs there before the Job starts and reads
 * the outputs from there after it ends.
 *
 * @param namespace the namespace the Jobs, pods and the egress policy live in
 * @param workspaceClaim the PersistentVolumeClaim every build pod mounts
 * @param workspaceRoot the host directory where that claim's volume is mounted for Kiln
 * @param kubeconfig a kubeconfig file, or null for the usual places ({@code KUBECONFIG}, {@code ~/.kube/config},
 *     the pod's service account when Kiln itself runs in the cluster)
 * @param context the kubeconfig context to use, or null for its current one
 * @param ttlAfterFinished how long the cluster keeps a finished Job when Kiln could not delete it itself
 * @param keepJobs leave finished Jobs for inspection instead of deleting them
 * @param image the build environment's image that package builds run in (a digest reference keeps builds
 *     reproducible); null where only single Jobs are run, each with its own image
 */
public record KubernetesSettings(
        String namespace,
        String workspaceClaim,
        Path workspaceRoot,
        @Nullable Path kubeconfig,
        @Nullable String context,
        Duration ttlAfterFinished,
        boolean keepJobs,
        @Nullable String image) {

    /** A DNS-1123 label: what Kubernetes accepts as a namespace or claim name. */
    static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

    public KubernetesSettings {
        Objects.requireNonNull(workspaceRoot, "workspaceRoot");
        Objects.requireNonNull(ttlAfterFinished, "ttlAfterFinished");
        requireLabel("--kube-namespace", namespace);
        requireLabel("--kube-claim", workspaceClaim);
        if (ttlAfterFinished.isNegative()) {
            throw new SettingsException("--kube-ttl: expected a duration >= 0, found " + ttlAfterFinished);
        }
        if (image != null && (image.isBlank() || image.chars().anyMatch(Character::isWhitespace))) {
            throw new SettingsException("--kube-image: expected an image reference such as"
                    + " registry.example/build-env@sha256:..., found '" + image + "'");
        }
    }

    /** Settings without a build image, for runs of single Jobs that name their own. */
    public KubernetesSettings(
            String namespace,
            String workspaceClaim,
            Path workspaceRoot,
            @Nullable Path kubeconfig,
            @Nullable String context,
            Duration ttlAfterFinished,
            boolean keepJobs) {
        this(namespace, workspaceClaim, workspaceRoot, kubeconfig, context, ttlAfterFinished, keepJobs, null);
    }

    private static void requireLabel(String setting, String value) {
        if (value == null || !DNS_LABEL.matcher(value).matches()) {
            throw new SettingsException(setting + ": expected a DNS-1123 label (lower-case letters, digits and '-',"
                    + " at most 63, starting and ending with a letter or digit), found '" + value + "'");
        }
    }
}
