package dev.kiln.server.kubernetes;

import dev.kiln.recipe.Resources;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One build as the Kubernetes runner runs it: one Job, one pod, one container.
 *
 * @param name the Job's name; a DNS-1123 label
 * @param workspace the workspace's path relative to the shared volume's root: the pod's {@code subPath}
 * @param packageName the recipe's package, recorded as a label so that {@code kubectl get jobs -l} finds it
 * @param image the build environment's image (a digest reference keeps the build reproducible)
 * @param environment the build's complete environment; kept sorted so that the manifest is stable
 * @param resources the recipe's {@code package.resources}; cpu and memory become requests and limits
 * @param deadline the recipe's timeout: the Job's {@code activeDeadlineSeconds}
 */
public record BuildJob(
        String name,
        String workspace,
        String packageName,
        String image,
        Map<String, String> environment,
        Resources resources,
        Duration deadline) {

    /** Guest path of the workspace, as in the local sandbox. */
    public static final String WORKSPACE = "/home/build";

    /** The script Kiln writes into the workspace before the Job starts; the container runs it. */
    public static final String SCRIPT = ".kiln/build.sh";

    /** Kubernetes quantities: a number and an optional binary or decimal suffix ({@code 500m}, {@code 4}, {@code 16Gi}). */
    private static final Pattern QUANTITY = Pattern.compile("[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?");

    public BuildJob {
        if (name == null || !KubernetesSettings.DNS_LABEL.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "Job name must be a DNS-1123 label of at most 63 characters, found '" + name + "'");
        }
        if (workspace == null
                || workspace.isEmpty()
                || workspace.startsWith("/")
                || java.util.Arrays.asList(workspace.split("/")).contains("..")) {
            throw new IllegalArgumentException(
                    "the workspace must be a relative path inside the shared volume, found '" + workspace + "'");
        }
        Objects.requireNonNull(packageName, "packageName");
        if (image == null || image.isBlank()) {
            throw new IllegalArgumentException("a Kubernetes build needs the build environment's image, found none");
        }
        environment = Collections.unmodifiableMap(new TreeMap<>(environment));
        Objects.requireNonNull(resources, "resources");
        requireQuantity("package.resources.cpu", resources.cpu());
        requireQuantity("package.resources.memory", resources.memory());
        Objects.requireNonNull(deadline, "deadline");
        if (deadline.toSeconds() < 1) {
            throw new IllegalArgumentException(
                    "package.timeout: expected at least 1s for activeDeadlineSeconds, found " + deadline);
        }
    }

    /** A build whose workspace is the shared volume's sub-directory named after the Job. */
    public BuildJob(
            String name,
            String packageName,
            String image,
            Map<String, String> environment,
            Resources resources,
            Duration deadline) {
        this(name, name, packageName, image, environment, resources, deadline);
    }

    private static void requireQuantity(String field, @Nullable String value) {
        if (value != null && !QUANTITY.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    field + ": expected a Kubernetes quantity such as 2, 500m or 16Gi," + " found '" + value + "'");
        }
    }

    /**
     * A Job name for a build of {@code packageName}: the package, cut to fit, and {@code id} (a few characters that
     * tell two builds of one package apart, such as the first hex digits of the build's input digest).
     */
    public static String jobName(String packageName, String id) {
        String clean = packageName.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]+", "-");
        String suffix = "-" + id.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]", "");
        String prefix = "kiln-" + clean;
        int room = 63 - suffix.length();
        if (prefix.length() > room) {
            prefix = prefix.substring(0, room);
        }
        return prefix.replaceAll("-+$", "") + suffix;
    }
}
