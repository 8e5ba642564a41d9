package dev.kiln.server.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.apk.ApkReader;
import dev.kiln.sandbox.BubblewrapSandbox;
import dev.kiln.server.ReconcileEvent;
import dev.kiln.testkit.Tools;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three-stage bootstrap for real under bubblewrap, on a plan of tiny fixture recipes: a static busybox that
 * copies itself (stage 1 from the host's /bin/busybox, later stages from the previous stage's package), a
 * compiler stand-in, a package "compiled" with it that records what it saw, and one that writes random bytes
 * and so can never be reproduced.
 */
class BootstrapIT {
    static final String ARCH = "x86_64";
    static final Path BUSYBOX = Path.of("/bin/busybox");
    static final String APPLETS =
            "sh ash ls cat echo test [ mkdir cp rm mv ln grep sed head od printf chmod env true" + " false touch";

    @TempDir
    Path dir;

    Path planFile;
    List<ReconcileEvent> events;

    @BeforeEach
    void setUp() throws IOException {
        Tools.require(Files.isExecutable(BUSYBOX), BUSYBOX + " is missing", "apt-get install busybox-static");
        Path recipes = Files.createDirectories(dir.resolve("plan"));
        recipe(recipes, "busybox", "busybox", """
                  checks:
                    disabled:
                      - hardening
                """, """
                mkdir -p ${{targets.destdir}}/usr/bin ${{targets.destdir}}/etc ${{targets.destdir}}/tmp
                cp /bin/busybox ${{targets.destdir}}/usr/bin/busybox
                ln -s usr/bin ${{targets.destdir}}/bin
                for a in %s; do ln -s busybox "${{targets.destdir}}/usr/bin/$a"; done
                """.formatted(APPLETS));
        recipe(recipes, "cc-stand-in", "busybox", "", """
                mkdir -p ${{targets.destdir}}/usr/bin
                printf '#!/bin/sh\\nif [ "$1" = --version ]; then echo "kiln-cc 0.1 (stand-in)"; exit 0; fi\\necho "kiln-cc $*"\\n' \\
                  > ${{targets.destdir}}/usr/bin/cc
                chmod 755 ${{targets.destdir}}/usr/bin/cc
                """);
        recipe(recipes, "hello", "busybox\n      - cc-stand-in", "", """
                mkdir -p ${{targets.destdir}}/usr/share/hello
                if [ -e /usr/bin/apt-get ]; then echo visible; else echo absent; fi > ${{targets.destdir}}/usr/share/hello/host-usr
                if command -v cc >/dev/null; then cc --version | head -n 1; else echo none; fi > ${{targets.destdir}}/usr/share/hello/cc
                """);
        recipe(recipes, "noisy", "busybox", "", """
                mkdir -p ${{targets.destdir}}/usr/share/noisy
                head -c 16 /dev/urandom | od -An -tx1 > ${{targets.destdir}}/usr/share/noisy/random
                """);
        planFile = recipes.resolve("plan.yaml");
        Files.writeString(planFile, """
                name: fixture
                stage1: host-toolchain
                recipes:
                  - busybox.yaml
                  - cc-stand-in.yaml
                  - hello.yaml
                  - noisy.yaml
                """);
        events = new ArrayList<>();
    }

    private static void recipe(Path dir, String name, String environment, String packageExtra, String script)
            throws IOException {
        Files.writeString(dir.resolve(name + ".yaml"), """
                package:
                  name: %s
                  version: "1.0"
                  epoch: 0
                  description: "bootstrap fixture %s"
                  copyright:
                    - license: MIT
                %s
                environment:
                  contents:
                    packages:
                      - %s
                pipeline:
                  - runs: |
                %s
                """.formatted(
                        name,
                        name,
                        packageExtra.stripTrailing(),
                        environment,
                        script.indent(6).stripTrailing()));
    }

    private Bootstrap bootstrap() {
        Bootstrap.Options options = new Bootstrap.Options(
                new BootstrapCache(dir.resolve("cache")), ARCH, 0, null, false, List.of(), null, null);
        return new Bootstrap(
                options,
                BubblewrapSandbox.fromEnvironment(System.getenv()),
                HttpClient.newHttpClient(),
                Clock.systemUTC(),
                events::add);
    }

    private Path apk(int stage, String name) {
        return dir.resolve("cache/stage-" + stage + "/" + ARCH + "/" + name + "-1.0-r0.apk");
    }

    private String file(int stage, String name, String path) {
        return new String(ApkReader.read(apk(stage, name)).readFile(path).orElseThrow(), StandardCharsets.UTF_8);
    }

    private static Map<String, PackageComparison.Verdict> verdicts(List<PackageComparison> comparisons) {
        return comparisons.stream()
                .collect(Collectors.toMap(PackageComparison::recipe, PackageComparison::verdict, (a, b) -> a));
    }

    @Test
    void threeStagesStageTwoEqualsStageThreeExceptTheNonReproduciblePackageAndASecondRunBuildsNothing()
            throws IOException {
        BootstrapPlan plan = BootstrapPlan.load(planFile);

        Bootstrap.Report first = bootstrap().run(plan);

        assertThat(first.stoppedAt()).isNull();
        assertThat(first.builds()).hasSize(12).allMatch(b -> b.status() == Bootstrap.Status.BUILT);
        assertThat(first.stageTimes()).hasSize(3);
        assertThat(verdicts(first.comparisons()))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "busybox", PackageComparison.Verdict.IDENTICAL,
                        "cc-stand-in", PackageComparison.Verdict.IDENTICAL,
                        "hello", PackageComparison.Verdict.IDENTICAL,
                        "noisy", PackageComparison.Verdict.DIFFERENT));
        PackageComparison noisy = first.comparisons().stream()
                .filter(c -> c.recipe().equals("noisy"))
                .findFirst()
                .orElseThrow();
        assertThat(noisy.file()).isEqualTo("noisy-1.0-r0.apk");
        assertThat(noisy.difference()).isEqualTo("usr/share/noisy/random: content");
        assertThat(first.failed()).isTrue();
        assertThat(events).anySatisfy(e -> assertThat(e.text()).contains("DIFFERENT  noisy-1.0-r0.apk"));

        Bootstrap.Report second = bootstrap().run(plan);

        assertThat(second.built()).isZero();
        assertThat(second.builds()).hasSize(12).allMatch(b -> b.status() == Bootstrap.Status.UP_TO_DATE);
        assertThat(verdicts(second.comparisons())).isEqualTo(verdicts(first.comparisons()));
        assertThat(verdicts(bootstrap().compare(plan))).isEqualTo(verdicts(first.comparisons()));
    }

    @Test
    void onlyStageOneSeesTheHostAndLaterStagesUseTheStandInFromStageOnePackages() throws IOException {
        Bootstrap.Report report = bootstrap().run(BootstrapPlan.load(planFile));
        assertThat(report.stoppedAt()).isNull();

        for (int stage = 2; stage <= 3; stage++) {
            assertThat(file(stage, "hello", "usr/share/hello/host-usr")).isEqualTo("absent\n");
            assertThat(file(stage, "hello", "usr/share/hello/cc")).isEqualTo("kiln-cc 0.1 (stand-in)\n");
        }
        if (Files.exists(Path.of("/usr/bin/apt-get"))) {
            assertThat(file(1, "hello", "usr/share/hello/host-usr")).isEqualTo("visible\n");
        }
        String stage1 = Files.readString(apk(1, "busybox").resolveSibling("busybox-1.0-r0.attest.json"));
        assertThat(stage1)
                .contains("\"bootstrapStage\":\"1 (host toolchain)\"")
                .contains("\"buildEnvironment\":\"host-toolchain\"");
        String stage2 = Files.readString(apk(2, "busybox").resolveSibling("busybox-1.0-r0.attest.json"));
        assertThat(stage2)
                .contains("\"bootstrapStage\":\"2 (stage-1 packages)\"")
                .contains("\"buildEnvironment\":\"hermetic\"");
    }

    @Test
    void aChangedRecipeIsRebuiltInEveryStageWithTheRecipesWhoseEnvironmentHoldsItsPackages() throws IOException {
        BootstrapPlan plan = BootstrapPlan.load(planFile);
        bootstrap().run(plan);
        Path cc = planFile.resolveSibling("cc-stand-in.yaml");
        Files.writeString(cc, Files.readString(cc).replace("kiln-cc 0.1", "kiln-cc 0.2"));

        Bootstrap.Report again = bootstrap().run(plan);

        for (int stage = 1; stage <= 3; stage++) {
            int s = stage;
            Map<String, Bootstrap.Status> statuses = again.builds().stream()
                    .filter(b -> b.stage() == s)
                    .collect(Collectors.toMap(Bootstrap.RecipeOutcome::recipe, Bootstrap.RecipeOutcome::status));
            assertThat(statuses)
                    .as("stage " + stage)
                    .containsEntry("cc-stand-in", Bootstrap.Status.BUILT)
                    // hello is built with the stand-in from stage 2 on (stage 1 uses the host's tools)
                    .containsEntry("hello", stage == 1 ? Bootstrap.Status.UP_TO_DATE : Bootstrap.Status.BUILT)
                    // their environments hold busybox only: the stand-in's new packages change nothing of theirs
                    .containsEntry("busybox", Bootstrap.Status.UP_TO_DATE)
                    .containsEntry("noisy", Bootstrap.Status.UP_TO_DATE);
        }
        assertThat(file(3, "hello", "usr/share/hello/cc")).isEqualTo("kiln-cc 0.2 (stand-in)\n");
        assertThat(verdicts(again.comparisons())).containsEntry("hello", PackageComparison.Verdict.IDENTICAL);
    }
}
