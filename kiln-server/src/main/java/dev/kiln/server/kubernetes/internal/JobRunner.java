package dev.kiln.server.kubernetes.internal;

import dev.kiln.server.kubernetes.BuildJob;
import dev.kiln.server.kubernetes.KubernetesRunException;
import dev.kiln.server.kubernetes.KubernetesRunException.Reason;
import dev.kiln.server.kubernetes.KubernetesSettings;
import dev.kiln.server.kubernetes.RunOutcome;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Runs one build as one Kubernetes Job and waits for it: ensure the egress policy, create the Job, wait for its
 * pod to start, copy the pod's log into the build log as it is written, wait for the Job's Complete or Failed
 * condition, turn a failure into a message the user can act on, and delete the Job (its pod goes with it).
 */
public final class JobRunner implements AutoCloseable {
    /** Container waiting reasons that no amount of waiting cures. */
    private static final Set<String> FATAL_WAITING = Set.of(
            "ImagePullBackOff",
            "InvalidImageName",
            "ErrImageNeverPull",
            "CreateContainerConfigError",
            "CreateContainerError");

    /** How long past the Job's own deadline Kiln waits for the cluster to say the Job has ended. */
    private static final Duration GRACE = Duration.ofMinutes(2);

    private final KubernetesClient client;
    private final KubernetesSettings settings;
    private final Duration pollInterval;
    private final boolean ownsClient;

    public JobRunner(KubernetesClient client, KubernetesSettings settings, Duration pollInterval) {
        this(client, settings, pollInterval, false);
    }

    private JobRunner(KubernetesClient client, KubernetesSettings settings, Duration pollInterval, boolean owns) {
        this.client = client;
        this.settings = settings;
        this.pollInterval = pollInterval;
        this.ownsClient = owns;
    }

    /**
     * A runner on the cluster that {@code settings} names: its kubeconfig file, or the usual places when none is
     * given (the {@code KUBECONFIG} variable, {@code ~/.kube/config}, then the pod's service account when Kiln runs
     * inside the cluster), in the given context or the kubeconfig's current one.
     */
    public static JobRunner connect(KubernetesSettings settings) {
        Config config;
        Path kubeconfig = settings.kubeconfig();
        if (kubeconfig != null) {
            if (!Files.isRegularFile(kubeconfig)) {
                throw new KubernetesRunException(
                        Reason.API, "--kubeconfig: " + kubeconfig + " is not a file (expected a kubeconfig)");
            }
            config = Config.fromKubeconfig(settings.context(), kubeconfig.toFile());
        } else {
            config = Config.autoConfigure(settings.context());
        }
        KubernetesClient client =
                new KubernetesClientBuilder().withConfig(config).build();
        return new JobRunner(client, settings, Duration.ofSeconds(1), true);
    }

    public RunOutcome run(BuildJob build, OutputStream log) {
        Path workspace = settings.workspaceRoot().resolve(build.workspace());
        if (!Files.isRegularFile(workspace.resolve(BuildJob.SCRIPT))) {
            throw new IllegalStateException("the workspace of " + build.name() + " has no " + BuildJob.SCRIPT + " at "
                    + workspace + ": write the build's inputs and script there before running its Job");
        }
        ensureEgressPolicy();
        Job job = Manifests.job(build, settings);
        String ns = settings.namespace();
        try {
            client.batch().v1().jobs().inNamespace(ns).resource(job).create();
        } catch (KubernetesClientException e) {
            throw apiError("create Job " + ns + "/" + build.name(), "create", "jobs.batch", e);
        }
        long deadlineNanos = System.nanoTime() + build.deadline().plus(GRACE).toNanos();
        try {
            @Nullable Pod pod = awaitPodStart(build, deadlineNanos);
            if (pod != null) {
                copyLog(pod, log);
            }
            Job finished = awaitFinished(build, deadlineNanos);
            @Nullable Pod last = pod == null ? null : latestPod(build.name());
            String podName = last == null ? null : last.getMetadata().getName();
            if (isTrue(finished, "Complete")) {
                return new RunOutcome(build.name(), podName, workspace);
            }
            throw failure(build, finished, last);
        } finally {
            if (!settings.keepJobs()) {
                delete(build.name());
            }
        }
    }

    /** Creates the policy when the namespace lacks it, corrects it when someone changed it; else leaves it. */
    private void ensureEgressPolicy() {
        NetworkPolicy wanted = Manifests.denyEgress(settings);
        var policies = client.network().v1().networkPolicies().inNamespace(settings.namespace());
        try {
            NetworkPolicy present = policies.withName(Manifests.POLICY_NAME).get();
            if (present == null) {
                policies.resource(wanted).create();
            } else if (!Objects.equals(present.getSpec(), wanted.getSpec())) {
                present.setSpec(wanted.getSpec());
                policies.resource(present).update();
            }
        } catch (KubernetesClientException e) {
            throw apiError(
                    "ensure NetworkPolicy " + settings.namespace() + "/" + Manifests.POLICY_NAME,
                    "get, create and update",
                    "networkpolicies.networking.k8s.io",
                    e);
        }
    }

    /**
     * Waits until the Job's pod runs or has ended, and fails at once on a container that cannot start (an image
     * that cannot be pulled will not be pulled by waiting). Null when the Job ended without a pod ever starting.
     */
    private @Nullable Pod awaitPodStart(BuildJob build, long deadlineNanos) {
        while (true) {
            Pod pod = latestPod(build.name());
            if (pod != null && pod.getStatus() != null) {
                String phase = pod.getStatus().getPhase();
                if ("Running".equals(phase) || "Succeeded".equals(phase) || "Failed".equals(phase)) {
                    return pod;
                }
                for (ContainerStatus status : containerStatuses(pod)) {
                    ContainerStateWaiting waiting =
                            status.getState() == null ? null : status.getState().getWaiting();
                    if (waiting != null && FATAL_WAITING.contains(waiting.getReason())) {
                        throw new KubernetesRunException(
                                Reason.IMAGE,
                                "Job " + settings.namespace() + "/" + build.name() + ": pod "
                                        + pod.getMetadata().getName() + " cannot start its container: "
                                        + waiting.getReason()
                                        + (waiting.getMessage() == null ? "" : " (" + waiting.getMessage() + ")")
                                        + "; check that image " + build.image() + " exists and that the namespace can"
                                        + " pull it (imagePullSecrets of its default service account)");
                    }
                }
            }
            Job job = client.batch()
                    .v1()
                    .jobs()
                    .inNamespace(settings.namespace())
                    .withName(build.name())
                    .get();
            if (job == null) {
                throw lost(build);
            }
            if (isTrue(job, "Complete") || isTrue(job, "Failed")) {
                return pod;
            }
            if (System.nanoTime() > deadlineNanos) {
                return null;
            }
            sleep();
        }
    }

    /** Copies the container's output into the build log until the container ends (the API server's follow). */
    private void copyLog(Pod pod, OutputStream log) {
        String name = pod.getMetadata().getName();
        try (LogWatch watch = client.pods()
                        .inNamespace(settings.namespace())
                        .withName(name)
                        .inContainer(Manifests.CONTAINER)
                        .watchLog();
                InputStream in = watch.getOutput()) {
            in.transferTo(log);
            log.flush();
        } catch (IOException | KubernetesClientException e) {
            // The build's outcome is the Job's, not the log's: a log that cannot be read is noted, not fatal.
            note(log, "(the log of pod " + name + " could not be read: " + e.getMessage() + ")");
        }
    }

    private Job awaitFinished(BuildJob build, long deadlineNanos) {
        long remaining = Math.max(1, deadlineNanos - System.nanoTime());
        try {
            Job job = client.batch()
                    .v1()
                    .jobs()
                    .inNamespace(settings.namespace())
                    .withName(build.name())
                    .waitUntilCondition(
                            j -> j == null || isTrue(j, "Complete") || isTrue(j, "Failed"),
                            remaining,
                            TimeUnit.NANOSECONDS);
            if (job == null) {
                throw lost(build);
            }
            return job;
        } catch (KubernetesClientTimeoutException e) {
            throw new KubernetesRunException(
                    Reason.DEADLINE,
                    "Job " + settings.namespace() + "/" + build.name() + " did not finish within its deadline of "
                            + build.deadline().toSeconds() + "s plus " + GRACE.toSeconds() + "s, and the cluster"
                            + " did not end it; see kubectl describe job " + build.name(),
                    e);
        } catch (KubernetesClientException e) {
            throw apiError(
                    "watch Job " + settings.namespace() + "/" + build.name(), "get, list and watch", "jobs.batch", e);
        }
    }

    /** The Job's Failed condition, explained with what its pod's container reported. */
    private KubernetesRunException failure(BuildJob build, Job job, @Nullable Pod pod) {
        String where = "Job " + settings.namespace() + "/" + build.name()
                + (pod == null ? "" : " (pod " + pod.getMetadata().getName() + ")");
        JobCondition failed = condition(job, "Failed").orElse(null);
        String reason = failed == null ? null : failed.getReason();
        if ("DeadlineExceeded".equals(reason)) {
            return new KubernetesRunException(
                    Reason.DEADLINE,
                    where + " ran past activeDeadlineSeconds="
                            + build.deadline().toSeconds()
                            + " and was stopped; raise the recipe's package.timeout if the build needs longer");
        }
        ContainerStateTerminated terminated = pod == null ? null : terminated(pod);
        if (terminated != null && "OOMKilled".equals(terminated.getReason())) {
            return new KubernetesRunException(
                    Reason.OUT_OF_MEMORY,
                    where + " was killed for exceeding its memory limit of "
                            + Optional.ofNullable(build.resources().memory()).orElse("(the namespace's default)")
                            + "; raise the recipe's package.resources.memory");
        }
        if (terminated != null && terminated.getExitCode() != null && terminated.getExitCode() != 0) {
            return new KubernetesRunException(
                    Reason.SCRIPT,
                    where + ": the build script exited with status " + terminated.getExitCode()
                            + "; the step that failed is the last one in the build log");
        }
        String said = failed == null
                ? "no Failed condition"
                : reason + (failed.getMessage() == null ? "" : ": " + failed.getMessage());
        return new KubernetesRunException(
                Reason.LOST,
                where + " failed (" + said + ") with no exit status from its container; see kubectl describe job "
                        + build.name() + " and the namespace's events");
    }

    private KubernetesRunException lost(BuildJob build) {
        return new KubernetesRunException(
                Reason.LOST,
                "Job " + settings.namespace() + "/" + build.name() + " disappeared while Kiln waited for it (deleted"
                        + " by someone else, or by its ttlSecondsAfterFinished before Kiln looked)");
    }

    private KubernetesRunException apiError(String what, String verbs, String resource, KubernetesClientException e) {
        String ns = settings.namespace();
        String message = switch (e.getCode()) {
            case 401 -> "the API server refused Kiln's credentials; check the kubeconfig's user";
            case 403 ->
                "forbidden: Kiln's user needs " + verbs + " on " + resource + " in namespace " + ns
                        + " (README: Kubernetes runner, RBAC)";
            case 404 -> "not found: does namespace " + ns + " exist?";
            case 409 ->
                "it already exists: another build with the same name is running, or a kept Job"
                        + " (--kube-keep-jobs) is still there";
            case 422 -> "the API server found the object invalid";
            // no HTTP status: the request never got an answer (fabric8 8 reports -1, older releases 0)
            case 0, -1 ->
                "the API server " + client.getMasterUrl() + " cannot be reached; check the kubeconfig's cluster"
                        + " server and that this host can reach it";
            default -> "HTTP " + e.getCode();
        };
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String detail = e.getStatus() != null && e.getStatus().getMessage() != null
                ? e.getStatus().getMessage()
                : root == e ? e.getMessage() : e.getMessage() + ": " + root;
        return new KubernetesRunException(Reason.API, "cannot " + what + ": " + message + " (" + detail + ")", e);
    }

    private void delete(String jobName) {
        try {
            client.batch()
                    .v1()
                    .jobs()
                    .inNamespace(settings.namespace())
                    .withName(jobName)
                    .withPropagationPolicy(DeletionPropagation.BACKGROUND)
                    .delete();
        } catch (KubernetesClientException e) {
            // ttlSecondsAfterFinished removes it later; the build's own outcome matters more than this.
        }
    }

    /** The Job's newest pod (with backoffLimit 0 there is one, unless the cluster replaced a lost one). */
    private @Nullable Pod latestPod(String jobName) {
        List<Pod> pods = client.pods()
                .inNamespace(settings.namespace())
                .withLabel("job-name", jobName)
                .list()
                .getItems();
        return pods.stream()
                .max(Comparator.comparing(
                        p -> Objects.requireNonNullElse(p.getMetadata().getCreationTimestamp(), "")))
                .orElse(null);
    }

    private static List<ContainerStatus> containerStatuses(Pod pod) {
        return pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
                ? List.of()
                : pod.getStatus().getContainerStatuses();
    }

    private static @Nullable ContainerStateTerminated terminated(Pod pod) {
        for (ContainerStatus status : containerStatuses(pod)) {
            ContainerState state = status.getState();
            if (Manifests.CONTAINER.equals(status.getName()) && state != null && state.getTerminated() != null) {
                return state.getTerminated();
            }
        }
        return null;
    }

    private static Optional<JobCondition> condition(Job job, String type) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return job.getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
                .findFirst();
    }

    private static boolean isTrue(Job job, String type) {
        return condition(job, type).isPresent();
    }

    private static void note(OutputStream log, String line) {
        try {
            log.write(("\n" + line + "\n").getBytes(StandardCharsets.UTF_8));
            log.flush();
        } catch (IOException ignored) {
            // the log is the caller's; a note that cannot be written changes nothing about the build
        }
    }

    private void sleep() {
        try {
            Thread.sleep(pollInterval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubernetesRunException(Reason.LOST, "interrupted while waiting for a build's pod", e);
        }
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }
}
