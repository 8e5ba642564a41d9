package dev.kiln.server.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.recipe.Resources;
import dev.kiln.server.SettingsException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Golden tests of what the Kubernetes runner creates: the bytes of the Job and NetworkPolicy manifests are
 * compared with the files under src/test/resources, so a change to any field (a privilege, a limit, a label)
 * shows in review as a change to those files.
 */
class KubernetesManifestsTest {

    static final KubernetesSettings SETTINGS = new KubernetesSettings(
            "kiln-builds",
            "kiln-workspaces",
            Path.of("/srv/kiln-workspaces"),
            null,
            null,
            Duration.ofMinutes(10),
            false);

    static BuildJob build(Resources resources) {
        return new BuildJob(
                BuildJob.jobName("zlib", "3f9a0c1d"),
                "zlib",
                "registry.example/kiln/build-env@sha256:" + "ab".repeat(32),
                Map.of("SOURCE_DATE_EPOCH", "1700000000", "HOME", "/home/build", "CFLAGS", "-O2"),
                resources,
                Duration.ofMinutes(90));
    }

    @Test
    void jobManifestMatchesTheGoldenFile() throws IOException {
        String yaml = KubernetesRunner.jobYaml(build(new Resources("2", null, "4Gi", null)), SETTINGS);
        assertThat(yaml).isEqualTo(golden("job-zlib.yaml", yaml));
    }

    @Test
    void jobWithoutResourcesLeavesThemToTheNamespaceDefaults() throws IOException {
        String yaml = KubernetesRunner.jobYaml(build(new Resources(null, null, null, null)), SETTINGS);
        assertThat(yaml).isEqualTo(golden("job-zlib-no-resources.yaml", yaml));
        assertThat(yaml).doesNotContain("limits").doesNotContain("requests");
    }

    @Test
    void networkPolicyMatchesTheGoldenFile() throws IOException {
        String yaml = KubernetesRunner.networkPolicyYaml(SETTINGS);
        assertThat(yaml).isEqualTo(golden("networkpolicy.yaml", yaml));
    }

    @Test
    void manifestsAreTheSameBytesEveryTime() {
        BuildJob b = build(new Resources("500m", null, "512Mi", null));
        assertThat(KubernetesRunner.jobYaml(b, SETTINGS)).isEqualTo(KubernetesRunner.jobYaml(b, SETTINGS));
    }

    @Test
    void aMalformedQuantityNamesTheRecipeFieldAndWhatWasFound() {
        assertThatThrownBy(() -> build(new Resources("two", null, null, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("package.resources.cpu")
                .hasMessageContaining("'two'");
        assertThatThrownBy(() -> build(new Resources(null, null, "4 GB", null)))
                .hasMessageContaining("package.resources.memory")
                .hasMessageContaining("'4 GB'");
    }

    @Test
    void jobNamesFitKubernetesAndKeepTheirId() {
        assertThat(BuildJob.jobName("zlib", "3F9A0C1D")).isEqualTo("kiln-zlib-3f9a0c1d");
        assertThat(BuildJob.jobName("py3.12-Foo_bar", "abc")).isEqualTo("kiln-py3-12-foo-bar-abc");
        String longName = BuildJob.jobName("x".repeat(100), "0123456789ab");
        assertThat(longName)
                .hasSizeLessThanOrEqualTo(63)
                .endsWith("-0123456789ab")
                .startsWith("kiln-xxx");
    }

    @Test
    void aPackageBuildMountsItsWorkspaceDirectoryAsTheSubPath() {
        BuildJob b = new BuildJob(
                "kiln-zlib-123",
                "zlib-123/home-build",
                "zlib",
                "img:1",
                Map.of(),
                new Resources(null, null, null, null),
                Duration.ofMinutes(1));
        assertThat(KubernetesRunner.jobYaml(b, SETTINGS))
                .contains("subPath: \"zlib-123/home-build\"")
                .contains("name: \"kiln-zlib-123\"");
        assertThatThrownBy(() -> new BuildJob(
                        "kiln-zlib-1", "../etc", "zlib", "img:1", Map.of(), b.resources(), Duration.ofMinutes(1)))
                .hasMessageContaining("'../etc'");
    }

    @Test
    void settingsRefuseANamespaceKubernetesWouldRefuse() {
        assertThatThrownBy(() -> new KubernetesSettings(
                        "Kiln_Builds", "ws", Path.of("/srv"), null, null, Duration.ofMinutes(1), false))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("--kube-namespace")
                .hasMessageContaining("'Kiln_Builds'");
    }

    /**
     * The golden file's text. With {@code -Dkiln.golden.update=true} the file is first rewritten with
     * {@code actual} (then review the diff): the way to accept an intended change to a manifest.
     */
    static String golden(String name, String actual) throws IOException {
        if (Boolean.getBoolean("kiln.golden.update")) {
            Path file = Path.of("src/test/resources/dev/kiln/server/kubernetes", name);
            Files.createDirectories(file.getParent());
            Files.writeString(file, actual, StandardCharsets.UTF_8);
            return actual;
        }
        try (InputStream in = KubernetesManifestsTest.class.getResourceAsStream(name)) {
            assertThat(in).as("golden file " + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
