package dev.kiln.server.kubernetes.internal;

import dev.kiln.recipe.Resources;
import dev.kiln.server.kubernetes.BuildJob;
import dev.kiln.server.kubernetes.KubernetesSettings;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The objects the Kubernetes runner creates, built from Kiln's own types. Pure: the same build gives the same
 * objects, and so the same YAML, byte for byte (the golden tests hold it to that).
 */
public final class Manifests {
    /** The label every build pod carries; the egress policy selects pods by it. */
    public static final String ROLE_LABEL = "kiln.dev/role";

    public static final String ROLE_BUILD = "build";
    public static final String PACKAGE_LABEL = "kiln.dev/package";
    public static final String POLICY_NAME = "kiln-build-deny-egress";
    /** The unprivileged user the build runs as: the "nonroot" user of distroless and Chainguard images. */
    public static final long BUILD_UID = 65532;

    static final String CONTAINER = "build";

    private Manifests() {}

    /** Labels of a build's Job and pod: who made it, its role (the policy's selector) and its package. */
    static Map<String, String> labels(BuildJob build) {
        Map<String, String> labels = new TreeMap<>();
        labels.put("app.kubernetes.io/managed-by", "kiln");
        labels.put(ROLE_LABEL, ROLE_BUILD);
        labels.put(PACKAGE_LABEL, labelValue(build.packageName()));
        return labels;
    }

    /** A label value is at most 63 characters of [A-Za-z0-9._-], starting and ending alphanumeric. */
    static String labelValue(String text) {
        String v = text.replaceAll("[^A-Za-z0-9._-]", "_");
        if (v.length() > 63) {
            v = v.substring(0, 63);
        }
        return v.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
    }

    public static Job job(BuildJob build, KubernetesSettings settings) {
        List<EnvVar> env = build.environment().entrySet().stream()
                .map(e -> new EnvVar(e.getKey(), e.getValue(), null))
                .toList();
        return new JobBuilder()
                .withMetadata(new ObjectMetaBuilder()
                        .withName(build.name())
                        .withNamespace(settings.namespace())
                        .withLabels(labels(build))
                        .build())
                .withNewSpec()
                // A build either succeeds or fails: a retry belongs to Kiln, which knows whether it is worth one.
                .withBackoffLimit(0)
                .withActiveDeadlineSeconds(build.deadline().toSeconds())
                // The cluster's own clean-up when Kiln dies before it deletes the Job itself.
                .withTtlSecondsAfterFinished((int) settings.ttlAfterFinished().toSeconds())
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(labels(build))
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                // A build talks to nothing, the API server least of all.
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withRunAsUser(BUILD_UID)
                .withRunAsGroup(BUILD_UID)
                // The workspace volume is group-writable by the build whatever uid created it.
                .withFsGroup(BUILD_UID)
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .endSecurityContext()
                .addNewContainer()
                .withName(CONTAINER)
                .withImage(build.image())
                .withImagePullPolicy("IfNotPresent")
                .withCommand("/bin/sh", "-e", BuildJob.WORKSPACE + "/" + BuildJob.SCRIPT)
                .withWorkingDir(BuildJob.WORKSPACE)
                .withEnv(env)
                .withResources(resources(build.resources()))
                .withNewSecurityContext()
                .withPrivileged(false)
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .endSecurityContext()
                .addNewVolumeMount()
                .withName("workspace")
                .withMountPath(BuildJob.WORKSPACE)
                .withSubPath(build.workspace())
                .endVolumeMount()
                // The root is read-only; scratch space goes to a private, pod-lived directory.
                .addNewVolumeMount()
                .withName("tmp")
                .withMountPath("/tmp")
                .endVolumeMount()
                .endContainer()
                .addNewVolume()
                .withName("workspace")
                .withNewPersistentVolumeClaim(settings.workspaceClaim(), false)
                .endVolume()
                .addNewVolume()
                .withName("tmp")
                .withNewEmptyDir()
                .endEmptyDir()
                .endVolume()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    /**
     * Requests and limits from the recipe: equal, so the pod is in the Guaranteed class and a build gets on a
     * busy node what it gets on an idle one. A field the recipe leaves unset is left to the namespace's defaults.
     */
    private static io.fabric8.kubernetes.api.model.ResourceRequirements resources(Resources resources) {
        Map<String, Quantity> amounts = new LinkedHashMap<>();
        if (resources.cpu() != null) {
            amounts.put("cpu", new Quantity(resources.cpu()));
        }
        if (resources.memory() != null) {
            amounts.put("memory", new Quantity(resources.memory()));
        }
        return new ResourceRequirementsBuilder()
                .withRequests(amounts.isEmpty() ? null : amounts)
                .withLimits(amounts.isEmpty() ? null : amounts)
                .build();
    }

    /**
     * Denies build pods all egress (and ingress): no policy rule means nothing is allowed once a policy selects
     * the pod. Enforced only where the cluster's network plugin implements NetworkPolicy (README says which).
     */
    public static NetworkPolicy denyEgress(KubernetesSettings settings) {
        return new NetworkPolicyBuilder()
                .withMetadata(new ObjectMetaBuilder()
                        .withName(POLICY_NAME)
                        .withNamespace(settings.namespace())
                        .withLabels(Map.of("app.kubernetes.io/managed-by", "kiln"))
                        .build())
                .withNewSpec()
                .withPodSelector(new LabelSelectorBuilder()
                        .withMatchLabels(Map.of(ROLE_LABEL, ROLE_BUILD))
                        .build())
                .withPolicyTypes("Egress", "Ingress")
                .endSpec()
                .build();
    }

    public static String yaml(Object resource) {
        return SERIALIZATION.asYaml(resource);
    }

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
}
