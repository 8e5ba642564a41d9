package dev.kiln.cli;

import dev.kiln.server.kubernetes.KubernetesSettings;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Where {@code kiln build} and {@code kiln up} run package builds: {@code --runner} as melange names it, and the
 * Kubernetes runner's cluster, shared volume and image (README: Builds on Kubernetes).
 */
final class RunnerOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(
            names = "--runner",
            description = "where package builds run: bubblewrap (this host's sandbox) or kubernetes (one Job per"
                    + " build) (default: ${DEFAULT-VALUE})")
    String runner = "bubblewrap";

    @Option(
            names = "--kube-workspace",
            paramLabel = "DIR",
            description = "where the shared ReadWriteMany volume of --kube-claim is mounted on this host; build"
                    + " workspaces are made under it (required with --runner kubernetes)")
    @Nullable
    Path workspace;

    @Option(
            names = "--kube-image",
            paramLabel = "REF",
            description = "the build environment's image every build pod runs (required with --runner kubernetes;"
                    + " pin it by digest)")
    @Nullable
    String image;

    @Option(names = "--kube-namespace", description = "namespace of the build Jobs (default: ${DEFAULT-VALUE})")
    String namespace = "kiln-builds";

    @Option(
            names = "--kube-claim",
            paramLabel = "NAME",
            description = "the PersistentVolumeClaim the build pods mount (default: ${DEFAULT-VALUE})")
    String claim = "kiln-workspaces";

    @Option(
            names = "--kubeconfig",
            paramLabel = "FILE",
            description = "kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or the pod's service account)")
    @Nullable
    Path kubeconfig;

    @Option(names = "--kube-context", description = "kubeconfig context (default: its current one)")
    @Nullable
    String context;

    @Option(names = "--kube-keep-jobs", description = "leave finished Jobs in the cluster for inspection")
    boolean keepJobs;

    /** True for {@code --runner kubernetes}. */
    boolean kubernetes() {
        return switch (runner) {
            case "bubblewrap" -> false;
            case "kubernetes" -> true;
            default ->
                throw new ParameterException(
                        spec.commandLine(), "--runner: expected bubblewrap or kubernetes, found '" + runner + "'");
        };
    }

    /** The Kubernetes runner's settings, or null for the local sandbox. */
    @Nullable
    KubernetesSettings settings() {
        if (!kubernetes()) {
            return null;
        }
        if (workspace == null) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--runner kubernetes needs --kube-workspace DIR: where the volume of claim " + claim
                            + " is mounted on this host");
        }
        if (image == null) {
            throw new ParameterException(
                    spec.commandLine(), "--runner kubernetes needs --kube-image REF: the build environment's image");
        }
        return new KubernetesSettings(
                namespace,
                claim,
                workspace.toAbsolutePath(),
                kubeconfig,
                context,
                KubernetesSettings.DEFAULT_TTL,
                keepJobs,
                image);
    }
}
