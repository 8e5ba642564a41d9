package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.testkit.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln bootstrap} and {@code kiln bootstrap --check}, end to end on a two-recipe plan. */
class BootstrapCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void buildsThreeStagesReportsEachPackageAndASecondRunBuildsNothing(@TempDir Path dir) throws Exception {
        Tools.require(
                Files.isExecutable(Path.of("/bin/busybox")),
                "/bin/busybox is missing",
                "apt-get install busybox-static");
        Files.writeString(dir.resolve("busybox.yaml"), UpFixtures.staticBusyboxRecipe("sh mkdir cp ln head od"));
        Files.writeString(
                dir.resolve("noisy.yaml"), UpFixtures.onBusybox("noisy", "1.0", "not reproducible", List.of(), """
                pipeline:
                  - runs: |
                      mkdir -p ${{targets.destdir}}/usr/share/noisy
                      head -c 16 /dev/urandom | od -An -tx1 > ${{targets.destdir}}/usr/share/noisy/random
                """));
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, "name: cli\nstage1: host-toolchain\nrecipes:\n  - busybox.yaml\n  - noisy.yaml\n");
        String cache = dir.resolve("cache").toString();

        CliRun first = CliRun.of("bootstrap", plan.toString(), "--cache-dir", cache, "--arch", "x86_64", "--json");

        assertThat(first.exitCode()).as(first.err()).isEqualTo(1);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : first.out().split("\n")) {
            lines.add(JSON.readTree(line));
        }
        assertThat(lines)
                .filteredOn(l -> l.path("event").asText().equals("bootstrap-recipe"))
                .hasSize(6)
                .allMatch(l -> l.path("status").asText().equals("built"));
        assertThat(lines)
                .filteredOn(l -> l.path("event").asText().equals("comparison"))
                .extracting(l ->
                        l.path("package").asText() + " " + l.path("verdict").asText())
                .containsExactly("busybox-1.0-r0.apk identical", "noisy-1.0-r0.apk different");

        CliRun second = CliRun.of("bootstrap", plan.toString(), "--cache-dir", cache, "--arch", "x86_64");

        assertThat(second.err()).contains("stage 3: busybox: up to date").contains("DIFFERENT  noisy-1.0-r0.apk");
        assertThat(second.out()).contains("bootstrap: 0 built, 6 up to date");

        CliRun check = CliRun.of("bootstrap", plan.toString(), "--cache-dir", cache, "--arch", "x86_64", "--check");

        assertThat(check.exitCode()).isEqualTo(1);
        assertThat(check.err())
                .contains("identical  busybox-1.0-r0.apk")
                .contains("DIFFERENT  noisy-1.0-r0.apk: first difference usr/share/noisy/random: content")
                .doesNotContain("stage 1");

        CliRun stageOne = CliRun.of(
                "bootstrap",
                plan.toString(),
                "--cache-dir",
                cache,
                "--arch",
                "x86_64",
                "--stage",
                "1",
                "--only",
                "busybox");

        assertThat(stageOne.exitCode()).as(stageOne.err()).isZero();
        assertThat(stageOne.err())
                .contains("[1/1] stage 1: busybox: up to date")
                .doesNotContain("stage 2");
        assertThat(stageOne.out()).contains("bootstrap: 0 built, 1 up to date").contains("no comparison");
    }
}
