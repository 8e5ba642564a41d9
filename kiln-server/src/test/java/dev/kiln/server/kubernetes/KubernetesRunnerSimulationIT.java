package dev.kiln.server.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.recipe.Resources;
import dev.kiln.server.kubernetes.internal.JobRunner;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A simulation: no cluster runs on this machine, so fabric8's mock API server in CRUD mode stands in for one,
 * and this test plays the Job controller and the kubelet. It waits for the runner's Job, creates the pod the
 * controller would, moves the pod and the Job through the states a cluster would report, and checks what the
 * runner concludes and that it deletes its Job. What a real cluster adds (scheduling, image pulls, the kubelet
 * running the script, NetworkPolicy enforcement) is not exercised here: README says how to run on one.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesRunnerSimulationIT {
    static final String NS = "kiln-builds";

    KubernetesMockServer server;
    KubernetesClient client;

    @TempDir
    Path volume;

    ExecutorService pool;
    JobRunner runner;

    @BeforeEach
    void start() {
        pool = Executors.newSingleThreadExecutor();
        KubernetesSettings settings =
                new KubernetesSettings(NS, "kiln-workspaces", volume, null, null, Duration.ofMinutes(10), false);
        runner = new JobRunner(client, settings, Duration.ofMillis(50));
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    BuildJob build(String id) throws Exception {
        BuildJob b = new BuildJob(
                BuildJob.jobName("zlib", id),
                "zlib",
                "registry.example/kiln/build-env:1",
                Map.of("SOURCE_DATE_EPOCH", "0"),
                new Resources("1", null, "1Gi", null),
                Duration.ofMinutes(5));
        Path script = volume.resolve(b.name()).resolve(BuildJob.SCRIPT);
        Files.createDirectories(script.getParent());
        Files.writeString(script, "echo building\n");
        return b;
    }

    /** The Job controller's part: a pod for the Job, labelled as the controller labels it. */
    Job awaitJob(String name) throws InterruptedException {
        for (int i = 0; i < 400; i++) {
            Job job = client.batch().v1().jobs().inNamespace(NS).withName(name).get();
            if (job != null) {
                return job;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("the runner never created Job " + name);
    }

    Pod createPod(Job job, String phase) {
        String podName = job.getMetadata().getName() + "-x7k2p";
        return client.pods()
                .inNamespace(NS)
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withName(podName)
                        .withNamespace(NS)
                        .addToLabels("job-name", job.getMetadata().getName())
                        .addToLabels(job.getSpec().getTemplate().getMetadata().getLabels())
                        .withCreationTimestamp("2026-01-01T00:00:00Z")
                        .endMetadata()
                        .withSpec(job.getSpec().getTemplate().getSpec())
                        .withNewStatus()
                        .withPhase(phase)
                        .endStatus()
                        .build())
                .create();
    }

    /** The kubelet's part: the container ended with {@code exitCode} (and {@code reason}, as OOMKilled). */
    void terminate(Pod pod, int exitCode, String reason) {
        pod.getStatus().setPhase(exitCode == 0 ? "Succeeded" : "Failed");
        pod.getStatus()
                .setContainerStatuses(java.util.List.of(new ContainerStatusBuilder()
                        .withName("build")
                        .withNewState()
                        .withNewTerminated()
                        .withExitCode(exitCode)
                        .withReason(reason)
                        .endTerminated()
                        .endState()
                        .build()));
        client.pods().inNamespace(NS).resource(pod).update();
    }

    void finish(Job job, String type, String reason) {
        Job current = client.batch()
                .v1()
                .jobs()
                .inNamespace(NS)
                .withName(job.getMetadata().getName())
                .get();
        current.setStatus(new JobStatusBuilder()
                .addToConditions(new JobConditionBuilder()
                        .withType(type)
                        .withStatus("True")
                        .withReason(reason)
                        .build())
                .build());
        client.batch().v1().jobs().inNamespace(NS).resource(current).update();
    }

    void expectLog(Pod pod, String text) {
        server.expect()
                .get()
                .withPath("/api/v1/namespaces/" + NS + "/pods/"
                        + pod.getMetadata().getName() + "/log?pretty=false&container=build&follow=true")
                .andReturn(200, text)
                .always();
    }

    @Test
    void simulatedSuccessfulBuildStreamsTheLogAndDeletesItsJob() throws Exception {
        BuildJob b = build("a1");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Future<RunOutcome> run = pool.submit(() -> runner.run(b, log));

        Job job = awaitJob(b.name());
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken())
                .isFalse();
        Pod pod = createPod(job, "Pending");
        expectLog(pod, "==> zlib: build\nbuilding\n");
        pod.getStatus().setPhase("Running");
        pod = client.pods().inNamespace(NS).resource(pod).update();
        terminate(pod, 0, "Completed");
        finish(job, "Complete", null);

        RunOutcome outcome = run.get(30, TimeUnit.SECONDS);
        assertThat(outcome.jobName()).isEqualTo(b.name());
        assertThat(outcome.podName()).isEqualTo(pod.getMetadata().getName());
        assertThat(outcome.workspace()).isEqualTo(volume.resolve(b.name()));
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("building");
        assertThat(client.batch().v1().jobs().inNamespace(NS).withName(b.name()).get())
                .as("the runner deletes its Job")
                .isNull();
        NetworkPolicy policy = client.network()
                .v1()
                .networkPolicies()
                .inNamespace(NS)
                .withName("kiln-build-deny-egress")
                .get();
        assertThat(policy.getSpec().getPolicyTypes()).contains("Egress");
        assertThat(policy.getSpec().getEgress()).isNullOrEmpty();
        assertThat(policy.getSpec().getPodSelector().getMatchLabels())
                .containsExactly(Map.entry("kiln.dev/role", "build"));
        assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
                .as("the policy selects the build's pod")
                .containsEntry("kiln.dev/role", "build");
    }

    @Test
    void simulatedFailingScriptReportsItsExitStatus() throws Exception {
        BuildJob b = build("b2");
        Future<RunOutcome> run = pool.submit(() -> runner.run(b, new ByteArrayOutputStream()));
        Job job = awaitJob(b.name());
        Pod pod = createPod(job, "Running");
        expectLog(pod, "make: *** [all] Error 2\n");
        terminate(pod, 2, "Error");
        finish(job, "Failed", "BackoffLimitExceeded");

        assertThatThrownBy(() -> run.get(30, TimeUnit.SECONDS))
                .cause()
                .isInstanceOf(KubernetesRunException.class)
                .hasMessageContaining("exited with status 2")
                .hasMessageContaining(b.name())
                .satisfies(e -> assertThat(((KubernetesRunException) e).reason())
                        .isEqualTo(KubernetesRunException.Reason.SCRIPT));
        assertThat(client.batch().v1().jobs().inNamespace(NS).withName(b.name()).get())
                .isNull();
    }

    @Test
    void simulatedOutOfMemoryNamesTheRecipeField() throws Exception {
        BuildJob b = build("c3");
        Future<RunOutcome> run = pool.submit(() -> runner.run(b, new ByteArrayOutputStream()));
        Job job = awaitJob(b.name());
        Pod pod = createPod(job, "Running");
        expectLog(pod, "");
        terminate(pod, 137, "OOMKilled");
        finish(job, "Failed", "BackoffLimitExceeded");

        assertThatThrownBy(() -> run.get(30, TimeUnit.SECONDS))
                .cause()
                .hasMessageContaining("memory limit of 1Gi")
                .hasMessageContaining("package.resources.memory");
    }

    @Test
    void simulatedDeadlineNamesTheRecipeTimeout() throws Exception {
        BuildJob b = build("d4");
        Future<RunOutcome> run = pool.submit(() -> runner.run(b, new ByteArrayOutputStream()));
        Job job = awaitJob(b.name());
        finish(job, "Failed", "DeadlineExceeded");

        assertThatThrownBy(() -> run.get(30, TimeUnit.SECONDS))
                .cause()
                .hasMessageContaining("activeDeadlineSeconds=300")
                .hasMessageContaining("package.timeout");
    }

    @Test
    void simulatedImagePullFailureFailsWithoutWaitingForTheDeadline() throws Exception {
        BuildJob b = build("e5");
        Future<RunOutcome> run = pool.submit(() -> runner.run(b, new ByteArrayOutputStream()));
        Job job = awaitJob(b.name());
        Pod pod = createPod(job, "Pending");
        pod.getStatus()
                .setContainerStatuses(java.util.List.of(new ContainerStatusBuilder()
                        .withName("build")
                        .withNewState()
                        .withNewWaiting()
                        .withReason("ImagePullBackOff")
                        .withMessage("Back-off pulling image")
                        .endWaiting()
                        .endState()
                        .build()));
        client.pods().inNamespace(NS).resource(pod).update();

        assertThatThrownBy(() -> run.get(30, TimeUnit.SECONDS))
                .cause()
                .hasMessageContaining("ImagePullBackOff")
                .hasMessageContaining("registry.example/kiln/build-env:1")
                .satisfies(e -> assertThat(((KubernetesRunException) e).reason())
                        .isEqualTo(KubernetesRunException.Reason.IMAGE));
        assertThat(client.batch().v1().jobs().inNamespace(NS).withName(b.name()).get())
                .isNull();
    }

    @Test
    void aWorkspaceWithoutItsScriptIsRefusedBeforeAnyJobExists() {
        BuildJob b = new BuildJob(
                "kiln-zlib-f6",
                "zlib",
                "img:1",
                Map.of(),
                new Resources(null, null, null, null),
                Duration.ofMinutes(1));
        assertThatThrownBy(() -> runner.run(b, new ByteArrayOutputStream()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(BuildJob.SCRIPT);
        assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
    }
}
