package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.apk.ApkSigningKey;
import dev.kiln.content.Hashing;
import dev.kiln.sandbox.BubblewrapSandbox;
import dev.kiln.sandbox.ExecResult;
import dev.kiln.sandbox.Mount;
import dev.kiln.sandbox.SandboxSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln build --runner kubernetes}, end to end, in a simulation: no cluster runs on this machine, so fabric8's
 * mock API server (CRUD mode) stands in for the API server, and a small test "kubelet" plays the Job controller and
 * the node. It watches for the build's Job, creates its pod, runs the pod's command from the shared workspace in
 * Kiln's bubblewrap sandbox (the workspace's sub-directory at {@code /home/build}, as the pod's {@code subPath}
 * mount puts it), serves its output as the pod's log, and marks the pod and the Job complete or failed through
 * the API. What a real cluster adds (scheduling, pulling the image, the image's own shell and tools, uid 65532 on a
 * network volume, NetworkPolicy) is not exercised here.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesBuildSimulationIT {
    static final String NS = "kiln-builds";
    static final String IMAGE = "registry.example/kiln/build-env@sha256:" + "ab".repeat(32);

    KubernetesMockServer server;
    KubernetesClient client;

    @TempDir
    Path dir;

    ExecutorService kubelet;
    volatile boolean stopping;
    final List<Throwable> kubeletErrors = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void startKubelet() {
        kubelet = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void stopKubelet() {
        stopping = true;
        kubelet.shutdownNow();
    }

    static final String RECIPE = """
            package:
              name: kubeprobe
              version: "1.0"
              epoch: 0
              description: probe of the Kubernetes runner
              copyright:
                - license: MIT
              resources:
                cpu: "1"
                memory: 512Mi
            environment:
              environment:
                GREETING: hello
            pipeline:
              - name: write-greeting
                runs: |
                  mkdir -p ${{targets.destdir}}/usr/share/kubeprobe
                  echo "$GREETING from $(pwd)" > ${{targets.destdir}}/usr/share/kubeprobe/greeting
              - name: in-a-directory
                working-directory: sub/dir
                environment:
                  STEP_ONLY: "it's quoted"
                runs: |
                  printf '%s\\n' "$STEP_ONLY" "$(pwd)" > ${{targets.destdir}}/usr/share/kubeprobe/step
                  chmod 0640 ${{targets.destdir}}/usr/share/kubeprobe/step
            EXTRA_STEPS
            subpackages:
              - name: kubeprobe-doc
                pipeline:
                  - runs: |
                      mkdir -p ${{targets.subpkgdir}}/usr/share/doc/kubeprobe
                      cp ${{targets.destdir}}/usr/share/kubeprobe/greeting ${{targets.subpkgdir}}/usr/share/doc/kubeprobe/
            """;

    Path recipe(String extraStep) throws Exception {
        Path recipe = dir.resolve("kubeprobe.yaml");
        Files.writeString(recipe, RECIPE.replace("EXTRA_STEPS", extraStep));
        return recipe;
    }

    Path signingKey() throws Exception {
        Path key = dir.resolve("test.rsa");
        if (!Files.exists(key)) {
            ApkSigningKey.generate(2048, "test.rsa").writePem(key, dir.resolve("test.rsa.pub"));
        }
        return key;
    }

    Path kubeconfig(String server) throws Exception {
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: sim
                  cluster: {server: "%s"}
                contexts:
                - name: sim
                  context: {cluster: sim, user: sim, namespace: %s}
                current-context: sim
                users:
                - name: sim
                  user: {token: simulated}
                """.formatted(server, NS));
        return file;
    }

    CliRun build(Path recipe, String name, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "build",
                recipe.toString(),
                "--arch",
                "x86_64",
                "--source-date-epoch",
                "1700000000",
                "--signing-key",
                signingKey().toString(),
                "--state-dir",
                dir.resolve(name + "-state").toString(),
                "--out-dir",
                dir.resolve(name + "-packages").toString()));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    String[] kubernetesArgs(Path volume) throws Exception {
        return new String[] {
            "--runner",
            "kubernetes",
            "--kube-workspace",
            volume.toString(),
            "--kube-image",
            IMAGE,
            "--kubeconfig",
            kubeconfig(client.getMasterUrl().toString()).toString()
        };
    }

    @Test
    void simulatedKubernetesBuildGivesTheSameApkBytesAsTheLocalSandbox() throws Exception {
        Path recipe = recipe("");
        CliRun local = build(recipe, "local");
        assertThat(local.exitCode()).as(local.out() + local.err()).isZero();

        Path volume = Files.createDirectories(dir.resolve("volume"));
        var unused = kubelet.submit(() -> runKubelet(volume));
        CliRun remote = build(recipe, "kube", kubernetesArgs(volume));
        assertThat(remote.exitCode()).as(remote.out() + remote.err()).isZero();
        assertThat(kubeletErrors).isEmpty();

        for (String apk : List.of("kubeprobe-1.0-r0.apk", "kubeprobe-doc-1.0-r0.apk")) {
            Path a = dir.resolve("local-packages/x86_64").resolve(apk);
            Path b = dir.resolve("kube-packages/x86_64").resolve(apk);
            assertThat(Hashing.sha256Hex(Files.readAllBytes(b)))
                    .as(apk + " built by the Kubernetes runner")
                    .isEqualTo(Hashing.sha256Hex(Files.readAllBytes(a)));
        }
        assertThat(ranJobs).as("one Job per build").hasSize(1);
        Job job = ranJobs.get(0);
        Container container =
                job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo(IMAGE);
        assertThat(container.getResources().getLimits().get("memory").toString())
                .as("package.resources.memory is the pod's limit")
                .isEqualTo("512Mi");
        assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems())
                .as("the runner deletes its Job")
                .isEmpty();
        String log = Files.readString(dir.resolve("kube-state/logs/kubeprobe-1.0-r0-x86_64.log"));
        assertThat(log)
                .as("the pod's output is the build log, with the same step headers as the local runner's")
                .contains("==> kubeprobe: write-greeting")
                .contains("==> kubeprobe: in-a-directory")
                .contains("==> kubeprobe-doc: ");
    }

    @Test
    void simulatedFailingStepFailsTheBuildNamingTheStep() throws Exception {
        Path recipe = recipe("""
                  - name: break-here
                    runs: |
                      echo about to fail
                      false
                      echo never printed
                  - name: never-run
                    runs: touch ${{targets.destdir}}/never
                """.stripTrailing());
        Path volume = Files.createDirectories(dir.resolve("volume"));
        var unused = kubelet.submit(() -> runKubelet(volume));

        CliRun run = build(recipe, "kube", kubernetesArgs(volume));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("kubeprobe: break-here").contains("exited with status 1");
        assertThat(dir.resolve("kube-packages/x86_64/kubeprobe-1.0-r0.apk")).doesNotExist();
        String log = Files.readString(dir.resolve("kube-state/logs/kubeprobe-1.0-r0-x86_64.log"));
        assertThat(log)
                .contains("about to fail")
                .doesNotContain("never printed")
                .doesNotContain("never-run");
    }

    @Test
    void anUnreachableApiServerIsNamed() throws Exception {
        Path volume = Files.createDirectories(dir.resolve("volume"));
        CliRun run = build(
                recipe(""),
                "kube",
                "--runner",
                "kubernetes",
                "--kube-workspace",
                volume.toString(),
                "--kube-image",
                IMAGE,
                "--kubeconfig",
                kubeconfig("http://127.0.0.1:1").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("127.0.0.1:1").contains("cannot be reached");
    }

    @Test
    void aMissingWorkspaceOrImageIsRefusedBeforeAnyBuild() throws Exception {
        CliRun noDir = build(
                recipe(""),
                "kube",
                "--runner",
                "kubernetes",
                "--kube-workspace",
                dir.resolve("not-mounted").toString(),
                "--kube-image",
                IMAGE);
        assertThat(noDir.exitCode()).isNotZero();
        assertThat(noDir.err())
                .contains("--kube-workspace")
                .contains("not-mounted")
                .contains("kiln-workspaces");

        CliRun noImage = build(recipe(""), "kube", "--runner", "kubernetes", "--kube-workspace", dir.toString());
        assertThat(noImage.exitCode()).isNotZero();
        assertThat(noImage.err()).contains("--kube-image");
        assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
    }

    final List<Job> ranJobs = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The Job controller's and the kubelet's parts, for every Job the runner creates, until the test ends. */
    void runKubelet(Path volume) {
        Set<String> seen = new HashSet<>();
        try {
            while (!stopping) {
                for (Job job : client.batch().v1().jobs().inNamespace(NS).list().getItems()) {
                    if (seen.add(job.getMetadata().getName())) {
                        ranJobs.add(job);
                        runJob(job, volume);
                    }
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            kubeletErrors.add(e);
        }
    }

    void runJob(Job job, Path volume) {
        String name = job.getMetadata().getName();
        Pod pod = client.pods()
                .inNamespace(NS)
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withName(name + "-sim01")
                        .withNamespace(NS)
                        .addToLabels("job-name", name)
                        .addToLabels(job.getSpec().getTemplate().getMetadata().getLabels())
                        .withCreationTimestamp("2026-01-01T00:00:00Z")
                        .endMetadata()
                        .withSpec(job.getSpec().getTemplate().getSpec())
                        .withNewStatus()
                        .withPhase("Pending")
                        .endStatus()
                        .build())
                .create();

        Container container = pod.getSpec().getContainers().get(0);
        VolumeMount mount = container.getVolumeMounts().stream()
                .filter(m -> m.getName().equals("workspace"))
                .findFirst()
                .orElseThrow();
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar e : container.getEnv()) {
            env.put(e.getName(), e.getValue());
        }
        List<String> command = new ArrayList<>(container.getCommand());
        // Build images ship busybox's sh, which has pipefail; this host's /bin/sh (dash) lacks it, bash has it.
        command.set(0, "/bin/bash");
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        ExecResult result;
        try {
            Path tmp = Files.createTempDirectory(dir, "pod-tmp-");
            result = BubblewrapSandbox.fromEnvironment(System.getenv())
                    .run(
                            SandboxSpec.of(volume.resolve(mount.getSubPath()), command)
                                    .withEnvironment(env)
                                    .withWorkingDirectory(container.getWorkingDir())
                                    .withMount(Mount.readWrite(tmp, "/tmp")),
                            output);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        server.expect()
                .get()
                .withPath("/api/v1/namespaces/" + NS + "/pods/"
                        + pod.getMetadata().getName() + "/log?pretty=false&container=build&follow=true")
                .andReturn(200, output.toString(StandardCharsets.UTF_8))
                .always();
        boolean ok = result.exitCode() == 0;
        pod.getStatus().setPhase(ok ? "Succeeded" : "Failed");
        pod.getStatus()
                .setContainerStatuses(List.of(new ContainerStatusBuilder()
                        .withName(container.getName())
                        .withNewState()
                        .withNewTerminated()
                        .withExitCode(result.exitCode())
                        .withReason(ok ? "Completed" : "Error")
                        .endTerminated()
                        .endState()
                        .build()));
        client.pods().inNamespace(NS).resource(pod).update();
        Job current = client.batch().v1().jobs().inNamespace(NS).withName(name).get();
        current.setStatus(new JobStatusBuilder()
                .addToConditions(new JobConditionBuilder()
                        .withType(ok ? "Complete" : "Failed")
                        .withStatus("True")
                        .withReason(ok ? null : "BackoffLimitExceeded")
                        .build())
                .build());
        client.batch().v1().jobs().inNamespace(NS).resource(current).update();
    }
}
