package dev.kiln.server.kubernetes;

import dev.kiln.server.kubernetes.internal.JobRunner;
import dev.kiln.server.kubernetes.internal.Manifests;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs builds as Kubernetes Jobs, one pod per build, as melange's Kubernetes runner does: the build
 * environment's image as the pod's image, an unprivileged user, no service-account token, no egress, the
 * recipe's resources as requests and limits, the recipe's timeout as the Job's deadline.
 *
 * <p>Use: {@link #workspace} gives the build's directory on the shared volume; fill it with the build's inputs
 * and its script ({@link #writeScript}); {@link #run} runs the Job and, when it succeeds, the outputs are in that
 * directory. The client library stays behind this class (its types are in the {@code internal} package).
 */
public final class KubernetesRunner implements AutoCloseable {
    private final KubernetesSettings settings;
    private final JobRunner jobs;

    private KubernetesRunner(KubernetesSettings settings, JobRunner jobs) {
        this.settings = settings;
        this.jobs = jobs;
    }

    /** Connects to the cluster the settings name (a kubeconfig, or the usual places: see {@link KubernetesSettings}). */
    public static KubernetesRunner connect(KubernetesSettings settings) {
        return new KubernetesRunner(settings, JobRunner.connect(settings));
    }

    /** The build's workspace as Kiln sees it: its Job's sub-directory of the shared volume. */
    public Path workspace(BuildJob build) {
        return settings.workspaceRoot().resolve(build.workspace());
    }

    /** Writes the script the build's container runs ({@code sh -e}), creating the workspace if needed. */
    public Path writeScript(BuildJob build, String script) throws IOException {
        Path file = workspace(build).resolve(BuildJob.SCRIPT);
        Files.createDirectories(file.getParent());
        Files.writeString(file, script, StandardCharsets.UTF_8);
        return file;
    }

    /**
     * Runs the build's Job to its end, copying the pod's output into {@code log}.
     *
     * @throws KubernetesRunException when the Job cannot be created or does not succeed; its message says why
     */
    public RunOutcome run(BuildJob build, OutputStream log) {
        return jobs.run(build, log);
    }

    /** The Job manifest for {@code build}, as YAML: what {@link #run} creates. */
    public static String jobYaml(BuildJob build, KubernetesSettings settings) {
        return Manifests.yaml(Manifests.job(build, settings));
    }

    /** The NetworkPolicy that denies build pods all traffic, as YAML: what {@link #run} ensures exists. */
    public static String networkPolicyYaml(KubernetesSettings settings) {
        return Manifests.yaml(Manifests.denyEgress(settings));
    }

    @Override
    public void close() {
        jobs.close();
    }
}
