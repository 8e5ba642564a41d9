package dev.kiln.server.kubernetes;

import dev.kiln.build.BuildException;
import dev.kiln.build.BuildOptions;
import dev.kiln.build.BuildRunner;
import dev.kiln.build.BuildSteps;
import dev.kiln.sandbox.IdentityMap;
import dev.kiln.server.SettingsException;
import dev.kiln.server.kubernetes.internal.Manifests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The package builder's steps as one Kubernetes Job ({@code kiln build --runner kubernetes}): Kiln makes the
 * workspace on the shared volume, does its own part of the steps there (sources copied from the cache, checkouts),
 * writes the steps as one script ({@link BuildSteps#script}) to {@link BuildSteps#SCRIPT}, runs the Job whose pod
 * mounts that workspace at {@code /home/build}, and packages what the pod left in {@code melange-out/}.
 */
public final class KubernetesBuildRunner implements BuildRunner {
    /**
     * The pod writes as the unprivileged build user; its files are recorded as root's, as the local sandbox's
     * guest root records them, so both runners give the same package bytes.
     */
    private static final IdentityMap IDENTITY =
            new IdentityMap(IdentityMap.Kind.CALLER, (int) Manifests.BUILD_UID, (int) Manifests.BUILD_UID, 1);

    private final KubernetesSettings settings;
    private final String image;

    /**
     * @throws SettingsException when the settings name no image, or the shared volume is not mounted where they
     *     say
     */
    public KubernetesBuildRunner(KubernetesSettings settings) {
        String ref = settings.image();
        if (ref == null) {
            throw new SettingsException("--kube-image: --runner kubernetes needs the build environment's image"
                    + " (the image every build pod runs, with a shell and the recipes' build tools)");
        }
        Path root = settings.workspaceRoot();
        if (!Files.isDirectory(root)) {
            throw new SettingsException("--kube-workspace: " + root + " is not a directory; mount the volume of"
                    + " PersistentVolumeClaim " + settings.namespace() + "/" + settings.workspaceClaim()
                    + " there (README: Builds on Kubernetes)");
        }
        this.settings = settings;
        this.image = ref;
    }

    @Override
    public IdentityMap identity() {
        return IDENTITY;
    }

    @Override
    public Path workRoot(BuildOptions options) {
        return settings.workspaceRoot();
    }

    @Override
    public boolean installsEnvironment() {
        return false;
    }

    @Override
    public void run(BuildSteps steps) {
        Path root = settings.workspaceRoot().toAbsolutePath().normalize();
        Path workspace = steps.workspace().toAbsolutePath().normalize();
        if (!workspace.startsWith(root) || workspace.equals(root)) {
            throw new BuildException(
                    "Kubernetes runner", "workspace " + workspace + " is not inside --kube-workspace " + root, null);
        }
        String subPath = root.relativize(workspace).toString();
        // the workspace's parent is unique among the volume's builds (a temporary directory): its name tells Jobs apart
        Path parent = workspace.getParent();
        String id = parent == null || parent.getFileName() == null
                ? Integer.toHexString(subPath.hashCode())
                : parent.getFileName().toString().replaceFirst("^.*-", "");
        BuildJob job;
        try {
            job = new BuildJob(
                    BuildJob.jobName(steps.name(), id),
                    subPath,
                    steps.name(),
                    image,
                    steps.environment(),
                    steps.resources(),
                    roundUp(steps.remaining()));
        } catch (IllegalArgumentException e) { // a recipe's resource that is no Kubernetes quantity
            throw new BuildException("Kubernetes runner", e.getMessage(), e);
        }
        steps.prepareWorkspace();
        try (KubernetesRunner runner = KubernetesRunner.connect(settings)) {
            runner.writeScript(job, steps.script());
            runner.run(job, steps.log());
        } catch (IOException e) {
            throw new BuildException(
                    "Kubernetes runner", "cannot write " + BuildSteps.SCRIPT + ": " + e.getMessage(), e);
        } catch (KubernetesRunException e) {
            String step = e.reason() == KubernetesRunException.Reason.SCRIPT ? steps.failedStep() : null;
            throw new BuildException(step == null ? "Kubernetes Job " + job.name() : step, e.getMessage(), e);
        }
    }

    private static Duration roundUp(Duration d) {
        long seconds = d.toSeconds() + (d.toNanosPart() > 0 ? 1 : 0);
        return Duration.ofSeconds(Math.max(1, seconds));
    }
}
