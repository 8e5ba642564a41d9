package dev.kiln.recipe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every built-in definition compiles and its shell is valid POSIX sh (checked with {@code sh -n}). */
class BuiltinPipelinesTest {
    @Test
    void everyBuiltinCompilesToSyntacticallyValidShell(@TempDir Path tmp) throws Exception {
        PipelineLibrary lib = PipelineLibrary.withBuiltins(List.of());
        StringBuilder yaml = new StringBuilder("""
        package: {name: demo, version: "1.0", epoch: 0}
        pipeline:
        """);
        for (String name : lib.names()) {
            PipelineDefinition def = lib.find(name).orElseThrow();
            assertThat(def.builtin()).isTrue();
            yaml.append("  - uses: ").append(name).append('\n');
            List<String> with = new ArrayList<>();
            def.inputs().forEach((k, in) -> {
                if (in.required()) {
                    with.add(k.equals("expected-sha256") ? k + ": " + "0".repeat(64) : k + ": x");
                }
            });
            if (name.equals("fetch")) {
                with.add("expected-sha256: " + "0".repeat(64));
            }
            if (!with.isEmpty()) {
                yaml.append("    with:\n");
                with.forEach(w -> yaml.append("      ").append(w).append('\n'));
            }
        }
        yaml.append(
                "subpackages:\n  - name: demo-sub\n    pipeline:\n      - uses: split/dev\n      - uses: split/bin\n");
        BuildPlan plan = RecipeFixtures.compile(yaml.toString());
        List<ShellStep> shells = new ArrayList<>();
        plan.steps().forEach(s -> {
            if (s instanceof ShellStep sh) {
                shells.add(sh);
            }
        });
        plan.subpackages().get(0).steps().forEach(s -> shells.add((ShellStep) s));
        assertThat(shells).hasSize(lib.names().size() - 2 + 2);
        for (ShellStep s : shells) {
            assertThat(s.script()).as(s.label()).doesNotContain("${{");
            Path file = tmp.resolve("script.sh");
            Files.writeString(file, "set -eo pipefail 2>/dev/null || set -e\n" + s.script() + "\nexit 0\n");
            assertThat(syntaxErrors(file)).as(s.label()).isEmpty();
        }
    }

    /**
     * split/static moves the archives of a package that has {@code /usr} but no {@code /lib} (the usual case)
     * under the {@code set -eo pipefail} every step runs with; a {@code find} over the missing folder used to
     * fail the step.
     */
    @Test
    void splitStaticMovesArchivesOfAPackageWithoutLib(@TempDir Path tmp) throws Exception {
        BuildPlan plan = RecipeFixtures.compile("""
        package: {name: demo, version: "1.0", epoch: 0}
        pipeline:
          - runs: "true"
        subpackages:
          - name: demo-static
            pipeline:
              - uses: split/static
        """);
        ShellStep split = (ShellStep) plan.subpackages().get(0).steps().get(0);
        Path out = tmp.resolve("out");
        Path archive = out.resolve("demo/usr/lib/libdemo.a");
        Files.createDirectories(archive.getParent());
        Files.writeString(archive, "!<arch>\n");
        Files.createDirectories(out.resolve("demo-static"));
        assertThat(split.script()).contains("/home/build/melange-out/demo-static");
        Path file = tmp.resolve("split.sh");
        Files.writeString(file, "set -eo pipefail\n" + split.script().replace("/home/build/melange-out/", out + "/"));

        Process p = new ProcessBuilder("bash", file.toString())
                .redirectErrorStream(true)
                .start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.waitFor()).as(log).isZero();
        assertThat(out.resolve("demo-static/usr/lib/libdemo.a")).exists();
        assertThat(archive).doesNotExist();
    }

    private static String syntaxErrors(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/bin/sh", "-n", file.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor() == 0 ? "" : out;
    }
}
