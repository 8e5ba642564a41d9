package dev.kiln.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.apk.ApkReader;
import dev.kiln.content.Digest;
import dev.kiln.recipe.BuildPlan;
import dev.kiln.recipe.CompileOptions;
import dev.kiln.recipe.Recipes;
import dev.kiln.sandbox.BubblewrapSandbox;
import dev.kiln.testkit.FixtureHttpServer;
import dev.kiln.testkit.TestPackages;
import dev.kiln.testkit.Tools;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds in an environment installed from packages (the hermetic stage), for real under bubblewrap: a
 * repository of a static busybox, a "compiler" stand-in, a test helper and a runtime library, all
 * generated here. Nothing of the host's /usr may be reachable, the environment is cached by its package
 * set, and tests get the package under test, its runtime dependencies and their pipelines' needs.
 */
class HermeticBuildIT {

    static final Path BUSYBOX = Path.of("/bin/busybox");
    static final List<String> APPLETS = List.of(
            "sh", "ash", "ls", "cat", "echo", "test", "[", "mkdir", "cp", "rm", "mv", "grep", "tar", "gzip", "printf",
            "id", "touch", "head", "chmod", "env", "true", "false", "sed");
    static final String CC = """
                             #!/bin/sh
                             if [ "$1" = --version ]; then echo 'kiln-cc 0.1 (stand-in)'; exit 0; fi
                             echo "kiln-cc $*"
                             """;

    @TempDir
    Path dir;

    BuildFixture f;
    Path envRepo;
    Path pipelines;
    FixtureHttpServer upstream;
    List<BuildListener.BuildEvent> events;

    /** The fixture packages of the environment, as TestPackages. */
    static List<TestPackages> environmentPackages() {
        TestPackages busybox = TestPackages.hostBusybox(APPLETS)
                .provides("cmd:sh=1.36.1-r0")
                .dir("tmp")
                .dir("etc");
        return List.of(
                busybox,
                TestPackages.apk("cc-stand-in", "0.1-r0")
                        .depends("busybox")
                        .file("usr/bin/cc", CC, 0755)
                        .file("usr/share/cc-stand-in/README", "a compiler stand-in\n", 0644),
                TestPackages.apk("test-helper", "1.0-r0")
                        .depends("busybox")
                        .file("usr/bin/check-tool", "#!/bin/sh\necho check-tool ran\n", 0755),
                TestPackages.apk("libfoo", "2.0-r0").file("usr/lib/libfoo-marker", "libfoo\n", 0644));
    }

    @BeforeEach
    void setUp() throws IOException {
        Tools.require(Files.isExecutable(BUSYBOX), BUSYBOX + " is missing", "apt-get install busybox-static");
        f = new BuildFixture(dir);
        envRepo = dir.resolve("env-repo");
        TestPackages.publish(envRepo, BuildFixture.ARCH, f.key, environmentPackages());
        pipelines = Files.createDirectories(dir.resolve("pipelines/test"));
        Files.writeString(pipelines.resolve("tool-check.yaml"), """
                name: tool check
                needs:
                  packages:
                    - test-helper
                pipeline:
                  - runs: check-tool
                """);
        events = new ArrayList<>();
    }

    /** The fixture's options: online, workspace removed, no source dir, unsigned provenance. */
    private BuildOptions options(BuildListener listener) {
        return new BuildOptions(
                BuildFixture.ARCH,
                f.repository,
                f.cache,
                dir.resolve("work"),
                dir.resolve("logs"),
                f.key,
                0,
                "kiln",
                false,
                false,
                null,
                listener,
                null);
    }

    private BuildResult build(Path recipe, boolean hermeticFlag) {
        BuildPlan plan =
                Recipes.compile(recipe, List.of(dir.resolve("pipelines")), CompileOptions.forArch(BuildFixture.ARCH));
        BuildOptions options = options(events::add)
                .withEnvironment(new EnvironmentSources(List.of(envRepo.toString()), List.of(), hermeticFlag, dir));
        return new PackageBuilder(BubblewrapSandbox.fromEnvironment(System.getenv()), HttpClient.newHttpClient())
                .build(plan, options);
    }

    private static final String PROBE = """
            for p in /usr/bin/apt-get /usr/lib/x86_64-linux-gnu /etc/os-release /usr/bin/gcc /bin/bash; do
              if [ -e $p ]; then echo "HOST-VISIBLE $p"; exit 1; fi
            done
            mkdir -p ${{targets.destdir}}/usr/share/probe
            cc --version > ${{targets.destdir}}/usr/share/probe/cc-version
            grep '^P:' /lib/apk/db/installed > ${{targets.destdir}}/usr/share/probe/installed
            """;

    private Path recipe(String name, String pipeline) {
        return f.writeRecipe(name, """
                package:
                  name: %s
                  version: "1.0"
                  epoch: 0
                  description: "built hermetically"
                  copyright:
                    - license: MIT
                  dependencies:
                    runtime:
                      - libfoo
                environment:
                  contents:
                    packages:
                      - busybox
                      - cc-stand-in
                pipeline:
                %s
                """.formatted(name, pipeline.indent(2).stripTrailing()));
    }

    private static String probeStep() {
        return "- name: probe\n  runs: |\n" + PROBE.indent(4);
    }

    private String file(BuildResult result, String path) {
        return new String(
                ApkReader.read(result.packages().get(0).file()).readFile(path).orElseThrow(), StandardCharsets.UTF_8);
    }

    private List<String> environmentEvents() {
        return events.stream()
                .filter(e -> e.kind() == BuildListener.BuildEvent.Kind.ENVIRONMENT)
                .map(BuildListener.BuildEvent::message)
                .toList();
    }

    @Test
    void noHostFileIsReachableAndCcIsTheEnvironments() {
        BuildResult result = build(recipe("probe", probeStep()), false);

        assertThat(file(result, "usr/share/probe/cc-version")).isEqualTo("kiln-cc 0.1 (stand-in)\n");
        assertThat(file(result, "usr/share/probe/installed")).isEqualTo("P:busybox\nP:cc-stand-in\n");
        assertThat(environmentEvents()).singleElement().asString().startsWith("installed 2 packages ");
    }

    @Test
    void aSecondBuildWithTheSameEnvironmentUsesTheCache() {
        build(recipe("first", probeStep()), false);
        build(recipe("second", probeStep()), false);

        List<String> env = environmentEvents();
        assertThat(env).hasSize(2);
        assertThat(env.get(0)).startsWith("installed 2 packages ");
        assertThat(env.get(1)).startsWith("cached 2 packages ");
        assertThat(env.get(1).substring("cached ".length()))
                .isEqualTo(env.get(0).substring("installed ".length()));
    }

    @Test
    void aRecipeMayChangeUsrInItsPrivateCopyWithoutChangingTheCache() throws IOException {
        build(recipe("first", probeStep()), false);
        String key = environmentEvents().get(0).replaceAll(".* ", "");
        Path cached = f.cache.resolve("environments").resolve(key);
        Map<String, String> before = BuildFixture.snapshot(cached);

        BuildResult result = build(recipe("tidy", """
                - name: tidy usr
                  runs: |
                    rm -rf /usr/share/cc-stand-in
                    rm /usr/bin/cc && printf '#!/bin/sh\\necho replaced\\n' > /usr/bin/cc && chmod 755 /usr/bin/cc
                    echo more >> /lib/apk/db/installed 2>/dev/null && echo WROTE-THROUGH || true
                    mkdir -p ${{targets.destdir}}/usr/share/tidy
                    cc > ${{targets.destdir}}/usr/share/tidy/cc
                """), false);

        assertThat(file(result, "usr/share/tidy/cc")).isEqualTo("replaced\n");
        assertThat(environmentEvents().get(1)).startsWith("cached ");
        assertThat(BuildFixture.snapshot(cached)).isEqualTo(before);
        assertThat(Files.readString(cached.resolve("usr/bin/cc"))).isEqualTo(CC);
    }

    @Test
    void testsGetTheirNeedsThePackagesRuntimeDependenciesAndFetchedFiles() throws IOException {
        try (FixtureHttpServer server = new FixtureHttpServer()) {
            byte[] data = "expected output\n".getBytes(StandardCharsets.UTF_8);
            String url = server.put("/fixtures/expected.txt", data);
            Path recipe = f.writeRecipe(
                    "tested", """
                    package:
                      name: tested
                      version: "1.0"
                      epoch: 0
                      description: "tested hermetically"
                      copyright:
                        - license: MIT
                      dependencies:
                        runtime:
                          - libfoo
                    environment:
                      contents:
                        packages:
                          - busybox
                    pipeline:
                      - runs: |
                          mkdir -p ${{targets.destdir}}/usr/bin
                          printf '#!/bin/sh\\necho expected output\\n' > ${{targets.destdir}}/usr/bin/tested
                          chmod 755 ${{targets.destdir}}/usr/bin/tested
                    test:
                      environment:
                        contents:
                          packages:
                            - busybox
                      pipeline:
                        - uses: fetch
                          with:
                            uri: %s
                            expected-sha256: %s
                            extract: false
                        - uses: test/tool-check
                        - runs: |
                            test -f /usr/lib/libfoo-marker
                            [ "$(tested)" = "$(cat expected.txt)" ]
                            grep -qx P:tested /lib/apk/db/installed
                            grep -qx P:test-helper /lib/apk/db/installed
                            test ! -e /usr/bin/cc
                    """.formatted(url, Digest.sha256(data).hex()));

            BuildResult result = build(recipe, false);

            assertThat(result.packages()).isNotEmpty();
            assertThat(events)
                    .anySatisfy(e -> assertThat(e.message()).startsWith("installed 4 packages for test of tested"));
            assertThat(Files.readString(PackageBuilder.logFile(
                            Recipes.compile(
                                    recipe,
                                    List.of(dir.resolve("pipelines")),
                                    CompileOptions.forArch(BuildFixture.ARCH)),
                            options(null))))
                    .contains("check-tool ran");
        }
    }

    @Test
    void theProvenanceNamesEveryEnvironmentPackageWithItsChecksum() throws IOException {
        BuildResult result = build(recipe("traced", probeStep()), false);

        Path attest = result.packages().get(0).file().resolveSibling("traced-1.0-r0.attest.json");
        String json = Files.readString(attest);
        assertThat(json)
                .contains("pkg:apk/kiln/busybox@1.36.1-r0?arch=x86_64")
                .contains("pkg:apk/kiln/cc-stand-in@0.1-r0?arch=x86_64")
                .contains("\"sha1\"");
    }

    @Test
    void theRecipesOwnLocalRepositoryAndKeyringChooseTheHermeticStage() throws IOException {
        dev.kiln.apk.ApkSigningKey other = dev.kiln.apk.ApkSigningKey.generate(2048, "other.rsa");
        other.writePem(dir.resolve("other.rsa"), dir.resolve("other.rsa.pub"));
        Path ownRepo = TestPackages.publish(dir.resolve("own-repo"), BuildFixture.ARCH, other, environmentPackages());
        Path recipe = f.writeRecipe("own", """
                package:
                  name: own
                  version: "1.0"
                  epoch: 0
                  description: "names its own repository"
                  copyright:
                    - license: MIT
                environment:
                  contents:
                    repositories:
                      - https://packages.wolfi.dev/os
                      - %s
                    keyring:
                      - https://packages.wolfi.dev/os/wolfi-signing.rsa.pub
                      - %s
                    packages:
                      - busybox
                      - cc-stand-in
                pipeline:
                %s
                """.formatted(
                ownRepo, dir.resolve("other.rsa.pub"), probeStep().indent(2).stripTrailing()));
        BuildPlan plan = Recipes.compile(recipe, List.of(), CompileOptions.forArch(BuildFixture.ARCH));
        BuildOptions options = options(events::add);

        BuildResult result = new PackageBuilder(
                        BubblewrapSandbox.fromEnvironment(System.getenv()), HttpClient.newHttpClient())
                .build(plan, options);

        assertThat(file(result, "usr/share/probe/cc-version")).isEqualTo("kiln-cc 0.1 (stand-in)\n");
        assertThat(environmentEvents()).singleElement().asString().startsWith("installed 2 packages ");
    }

    @Test
    void withoutRepositoriesThatProvideTheEnvironmentTheBuildStaysOnTheHostToolchain() {
        Path recipe = f.writeRecipe("hosted", """
                package:
                  name: hosted
                  version: "1.0"
                  epoch: 0
                  description: "host toolchain"
                  copyright:
                    - license: MIT
                environment:
                  contents:
                    packages:
                      - build-base
                pipeline:
                  - runs: |
                      test -e /usr/bin/apt-get -o -e /usr/bin/gcc
                      mkdir -p ${{targets.destdir}}/usr/share/hosted && echo ok > ${{targets.destdir}}/usr/share/hosted/ok
                """);

        build(recipe, false);

        assertThat(environmentEvents()).containsExactly("host-toolchain");
    }
}
