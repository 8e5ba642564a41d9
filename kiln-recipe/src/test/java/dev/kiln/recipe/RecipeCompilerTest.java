package dev.kiln.recipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kiln.content.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipeCompilerTest {
    private static final String SHA = "a".repeat(64);

    @Test
    void fetchCompilesToANativeStepWithDefaults() {
        BuildPlan plan = RecipeFixtures.compile("""
        package: {name: curl, version: "8.1.0", epoch: 0}
        pipeline:
          - uses: fetch
            with:
              uri: https://curl.se/download/curl-${{package.version}}.tar.xz
              expected-sha256: %s
          - uses: git-checkout
            with:
              repository: https://github.com/curl/curl
              tag: curl-${{package.version}}
              expected-commit: %s
              cherry-picks: |
                # fixes
                main/0123456789012345678901234567890123456789: fix the thing
        """.formatted(SHA, "b".repeat(40)));
        FetchStep f = (FetchStep) plan.steps().get(0);
        assertThat(f.uri()).isEqualTo("https://curl.se/download/curl-8.1.0.tar.xz");
        assertThat(f.stripComponents()).isEqualTo(1);
        assertThat(f.extract()).isTrue();
        assertThat(f.purlName()).isEqualTo("curl");
        assertThat(f.workingDirectory()).isEqualTo("/home/build");
        GitCheckoutStep g = (GitCheckoutStep) plan.steps().get(1);
        assertThat(g.tag()).isEqualTo("curl-8.1.0");
        assertThat(g.depth()).isNull();
        assertThat(g.cherryPicks()).containsExactly("main/0123456789012345678901234567890123456789: fix the thing");
        assertThat(plan.sources()).containsExactly(f, g);
        assertThat(plan.environmentPackages()).containsExactly("git", "wget");
        assertThat(plan.fullVersion()).isEqualTo("8.1.0-r0");
    }

    @Test
    void inputValidationReportsEveryProblemWithItsLocation() {
        RecipeException e = catchThrowableOfType(
                RecipeException.class, () -> RecipeFixtures.compile("""
        package: {name: curl, version: "8.1.0", epoch: 0}
        pipeline:
          - uses: fetch
            with:
              uri: https://example.org/a.tgz
              expected-sha256: %s
          - uses: autoconf/make
            with:
              colour: blue
          - uses: go/build
            with:
              packages: .
          - uses: git-checkout
            with:
              repository: https://example.org/a.git
              branch: main
              tag: v1
              expected-commit: abc
        """.formatted("a".repeat(63))));
        assertThat(e.problems())
                .extracting(Problem::toString)
                .containsExactly(
                        "hello.yaml:3:5: pipeline[0] 'fetch': input 'expected-sha256' must be 64 hex characters, got 63",
                        "hello.yaml:9:15: pipeline[1] 'autoconf/make': undefined input 'colour' to pipeline 'autoconf/make' "
                                + "(declared: dir, opts, targets)",
                        "hello.yaml:10:5: pipeline[2] 'go/build': missing required input 'output' to pipeline 'go/build'",
                        "hello.yaml:13:5: pipeline[3] 'git-checkout': input 'expected-commit' must be 40 hex characters, got 3",
                        "hello.yaml:13:5: pipeline[3] 'git-checkout': inputs 'branch' and 'tag' are mutually exclusive");
    }

    @Test
    void unknownVariablesAndPipelinesAreErrors() {
        RecipeException e = catchThrowableOfType(RecipeException.class, () -> RecipeFixtures.compile("""
        package: {name: a, version: "1", epoch: 0}
        pipeline:
          - runs: echo ${{vars.nope}}
          - uses: no/such/thing
        """));
        assertThat(e.problems())
                .extracting(Problem::message)
                .containsExactly(
                        "pipeline[0]: unknown variable ${{vars.nope}}",
                        "pipeline[1] 'no/such/thing': pipeline 'no/such/thing' not found in [] nor among the built-in pipelines");
    }

    @Test
    void inlinesDefinitionsWithInputsDefaultsAndNeeds() {
        BuildPlan plan = RecipeFixtures.compile("""
        package: {name: hello, version: "1.0", epoch: 0}
        environment:
          contents:
            packages: [zlib-dev, build-base]
        pipeline:
          - uses: autoconf/configure
            with:
              opts: --disable-nls
          - uses: autoconf/make-install
        """);
        ShellStep configure = (ShellStep) plan.steps().get(0);
        assertThat(configure.label()).isEqualTo("pipeline[0] uses autoconf/configure");
        assertThat(configure.script())
                .contains("--host='x86_64-pc-linux-gnu'")
                .contains("--disable-nls")
                .doesNotContain("${{");
        assertThat(((ShellStep) plan.steps().get(1)).script()).contains("DESTDIR='/home/build/melange-out/hello'");
        assertThat(plan.environmentPackages())
                .containsExactly("autoconf", "automake", "build-base", "libtool", "make", "zlib-dev");
        assertThat(plan.environmentVariables())
                .containsEntry("HOME", "/home/build")
                .containsEntry("GOMODCACHE", "/var/cache/melange/gomodcache");
    }

    @Test
    void rangesExpandInSortedKeyOrderAndIfDropsSubpackages() {
        BuildPlan plan = RecipeFixtures.compile("""
        package: {name: py3-foo, version: "1.0", epoch: 0}
        data:
          - name: py
            items: {"3.12": "312", "3.10": "310", "3.11": "311"}
        pipeline:
          - runs: "true"
        subpackages:
          - range: py
            name: py${{range.key}}-foo
            if: ${{range.key}} != '3.11'
            dependencies:
              provider-priority: ${{range.value}}
              provides: [py3-foo]
            pipeline:
              - runs: mv ${{targets.destdir}}/x ${{targets.contextdir}}/${{subpkg.name}}
          - name: ${{package.name}}-doc
            pipeline:
              - uses: split/manpages
        """);
        assertThat(plan.subpackages())
                .extracting(PackagePlan::name)
                .containsExactly("py3.10-foo", "py3.12-foo", "py3-foo-doc");
        assertThat(plan.subpackages().get(1).dependencies().providerPriority()).isEqualTo(312);
        assertThat(((ShellStep) plan.subpackages().get(0).steps().get(0)).script())
                .isEqualTo("mv /home/build/melange-out/py3-foo/x /home/build/melange-out/py3.10-foo/py3.10-foo");
    }

    @Test
    void optionsOverlayVarsAndEditPackages() {
        String yaml = """
        package: {name: a, version: "1", epoch: 0}
        vars: {tls: openssl}
        environment: {contents: {packages: [gcc, openssl-dev]}}
        options:
          rustls:
            vars: {tls: rustls}
            environment: {contents: {packages: {add: [rust], remove: [openssl-dev]}}}
        pipeline:
          - runs: build --tls=${{vars.tls}}
          - if: ${{options.rustls.enabled}} == 'true'
            runs: echo rustls on
        """;
        BuildPlan off = RecipeFixtures.compile(yaml);
        assertThat(off.steps()).hasSize(1);
        assertThat(((ShellStep) off.steps().get(0)).script()).isEqualTo("build --tls=openssl");
        assertThat(off.environmentPackages()).containsExactly("gcc", "openssl-dev");
        BuildPlan on =
                RecipeFixtures.compile(yaml, CompileOptions.forArch("x86_64").withOption("rustls"));
        assertThat(((ShellStep) on.steps().get(0)).script()).isEqualTo("build --tls=rustls");
        assertThat(on.steps()).hasSize(2);
        assertThat(on.environmentPackages()).containsExactly("gcc", "rust");
        assertThatThrownBy(() -> RecipeFixtures.compile(
                        yaml, CompileOptions.forArch("x86_64").withOption("nope")))
                .hasMessageContaining("build option 'nope' is not declared");
    }

    @Test
    void varsResolveInDependencyOrderAndCyclesAreReported() {
        BuildPlan plan = RecipeFixtures.compile("""
        package: {name: a, version: "1.2", epoch: 0}
        vars:
          c: ${{vars.b}}-c
          b: ${{vars.a}}-b
          a: v${{package.version}}
        pipeline:
          - runs: echo ${{vars.c}}
        """);
        assertThat(((ShellStep) plan.steps().get(0)).script()).isEqualTo("echo v1.2-b-c");
        assertThatThrownBy(() -> RecipeFixtures.compile("""
        package: {name: a, version: "1.2", epoch: 0}
        vars:
          a: ${{vars.b}}
          b: ${{vars.a}}
        """))
                .hasMessageContaining("cycle between variables: ")
                .hasMessageContaining("a -> b")
                .hasMessageContaining("b -> a");
    }

    @Test
    void nestedStepsInheritWorkdirAndEnvironmentAndArchConditions() {
        BuildPlan plan = RecipeFixtures.compile("""
        package: {name: a, version: "1", epoch: 0}
        pipeline:
          - working-directory: src
            environment: {A: "1"}
            pipeline:
              - runs: |
                  # a comment that goes away
                  make
              - environment: {B: "2"}
                working-directory: /opt
                runs: make install
              - if: ${{build.arch}} == 'aarch64'
                runs: arm only
        """);
        assertThat(plan.steps()).hasSize(2);
        ShellStep first = (ShellStep) plan.steps().get(0);
        assertThat(first.script()).isEqualTo("make\n");
        assertThat(first.workingDirectory()).isEqualTo("/home/build/src");
        assertThat(first.environment()).isEqualTo(Map.of("A", "1"));
        ShellStep second = (ShellStep) plan.steps().get(1);
        assertThat(second.workingDirectory()).isEqualTo("/opt");
        assertThat(second.environment()).isEqualTo(Map.of("A", "1", "B", "2"));
        BuildPlan arm = RecipeFixtures.compile(
                RecipeFixtures.recipe("", "x")
                        .replace("runs: x", "if: ${{build.arch}} == 'aarch64'\n    runs: arm only"),
                CompileOptions.forArch("aarch64"));
        assertThat(arm.steps()).hasSize(1);
    }

    @Test
    void pipelineDirectoriesShadowBuiltinsAndRequiredStepsAreChecked(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("my"));
        Files.writeString(dir.resolve("fetch.yaml"), """
        name: local fetch
        inputs:
          uri: {required: true}
        pipeline:
          - runs: curl -O ${{inputs.uri}}
        """);
        Files.writeString(dir.resolve("my/steps.yaml"), """
        needs:
          packages:
            - ${{inputs.tool}}
        inputs:
          tool: {default: jq}
          who: {default: "${{context.name}}"}
        pipeline:
          - name: greet
            runs: echo ${{inputs.who}} with ${{inputs.tool}}
          - assertions: {required-steps: 1}
            pipeline:
              - if: ${{build.arch}} == 'riscv64'
                runs: never
        """);
        List<Path> dirs = List.of(dir);
        RecipeCompiler compiler = new RecipeCompiler(PipelineLibrary.withBuiltins(dirs));
        Recipe recipe = new RecipeLoader(dirs).parse("a.yaml", """
        package: {name: a, version: "1", epoch: 0}
        pipeline:
          - uses: fetch
            with: {uri: "https://example.org/x"}
        subpackages:
          - name: a-sub
            pipeline:
              - uses: my/steps
        """);
        RecipeException e = catchThrowableOfType(
                RecipeException.class, () -> compiler.compile(recipe, CompileOptions.forArch("x86_64")));
        assertThat(e.problems())
                .extracting(Problem::message)
                .containsExactly(
                        "subpackages[0].pipeline[0] uses my/steps > pipeline[1]: assertions.required-steps is 1 but only 0 nested step(s) run");
        Recipe ok = new RecipeLoader(dirs)
                .parse(
                        "a.yaml",
                        recipe.text()
                                .replace("required-steps", "x")
                                .replace("- uses: my/steps", "- uses: my/steps\n        with: {tool: yq}"));
        Files.writeString(
                dir.resolve("my/steps.yaml"),
                Files.readString(dir.resolve("my/steps.yaml")).replace("{required-steps: 1}", "{required-steps: 0}"));
        BuildPlan plan =
                new RecipeCompiler(PipelineLibrary.withBuiltins(dirs)).compile(ok, CompileOptions.forArch("x86_64"));
        assertThat(plan.steps().get(0)).isInstanceOf(ShellStep.class); // the local fetch shadows the native one
        assertThat(((ShellStep) plan.steps().get(0)).script()).isEqualTo("curl -O https://example.org/x");
        ShellStep greet = (ShellStep) plan.subpackages().get(0).steps().get(0);
        assertThat(greet.label()).isEqualTo("subpackages[0].pipeline[0] uses my/steps > greet");
        assertThat(greet.script()).isEqualTo("echo a-sub with yq");
        assertThat(plan.environmentPackages()).containsExactly("yq");
    }

    @Test
    void libraryRejectsEscapingNamesAndListsBuiltins() {
        PipelineLibrary lib = PipelineLibrary.withBuiltins(List.of());
        assertThatThrownBy(() -> lib.find("/etc/passwd")).isInstanceOf(RecipeException.class);
        assertThatThrownBy(() -> lib.find("a/../../b")).hasMessageContaining("must not contain '..'");
        assertThat(lib.names())
                .contains(
                        "fetch",
                        "git-checkout",
                        "autoconf/make",
                        "split/dev",
                        "go/build/v2",
                        "xcover/profile",
                        "R/build");
        for (String name : lib.names()) {
            assertThat(lib.find(name)).as(name).isPresent();
        }
    }

    @Test
    void targetArchitectureMarksPlansSkipped() {
        BuildPlan plan = RecipeFixtures.compile("""
        package: {name: a, version: "1", epoch: 0, target-architecture: [aarch64]}
        """);
        assertThat(plan.skippedForArch()).isTrue();
        assertThat(RecipeFixtures.compile("package: {name: a, version: '1', epoch: 0, target-architecture: [all]}")
                        .skippedForArch())
                .isFalse();
        assertThatThrownBy(() -> RecipeFixtures.compile(
                        "package: {name: a, version: '1', epoch: 0}", new CompileOptions("sparc", Set.of(), Map.of())))
                .hasMessageContaining("unknown architecture 'sparc'");
    }
}
