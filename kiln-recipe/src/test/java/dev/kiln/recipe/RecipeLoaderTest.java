package dev.kiln.recipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kiln.content.Position;
import dev.kiln.content.Problem;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecipeLoaderTest {
    @Test
    void reportsEveryProblemOfAFileAtOnceWithLineAndColumn() {
        String yaml = """
        package:
          name: hello
          version: "1.0"
          epoch: 0
          colour: blue
        pipeline:
          - runs: echo
            wiht:
              a: b
        subpackages:
          - name: x
            dependencies:
              runtime: foo
        update:
          enabled: maybe
        """;
        RecipeException e = catchThrowableOfType(RecipeException.class, () -> RecipeFixtures.parse(yaml));
        List<String> got = e.problems().stream().map(Problem::toString).toList();
        assertThat(got).hasSize(4);
        assertThat(got.get(0)).startsWith("hello.yaml:5:3: unknown key 'colour' in 'package' (expected one of: ");
        assertThat(got.get(1)).startsWith("hello.yaml:8:5: unknown key 'wiht' in 'pipeline[0]'");
        assertThat(got.get(2))
                .isEqualTo("hello.yaml:13:16: subpackages[0].dependencies.runtime: expected a list, found 'foo'");
        assertThat(got.get(3)).isEqualTo("hello.yaml:15:12: update.enabled: expected true or false, found 'maybe'");
        assertThat(e.getMessage()).startsWith("recipe hello.yaml:5:3: unknown key 'colour'");
    }

    @Test
    void keepsScalarsAsWritten() {
        Recipe r = RecipeFixtures.parse("""
        package:
          name: hello
          version: 1.10
          epoch: 3
        """);
        assertThat(r.pkg().version()).isEqualTo("1.10");
        assertThat(r.pkg().epoch()).isEqualTo(3);
        assertThat(r.sourceMap().find("package.version")).contains(new Position(3, 12));
    }

    @Test
    void stepShapeRules() {
        assertThatThrownBy(() -> RecipeFixtures.parse("""
        package: {name: a, version: "1", epoch: 0}
        pipeline:
          - uses: autoconf/make
            runs: make
          - runs: make
            with: {a: b}
          - uses: ../evil
        """))
                .satisfies(t -> assertThat(((RecipeException) t).problems())
                        .extracting(Problem::message)
                        .containsExactly(
                                "pipeline[0]: a step cannot have both 'uses' and 'runs'",
                                "pipeline[1]: 'with' needs 'uses'",
                                "pipeline[2]: 'uses' must be a relative pipeline name without '..', found '../evil'"));
    }

    @Test
    void typedModelOfTheWholeSchema() {
        Recipe r = RecipeFixtures.parse("""
        package:
          name: hello
          version: "2.0"
          epoch: 1
          description: d
          url: https://example.org
          copyright:
            - license: MIT
              paths: ["*"]
            - license: Apache-2.0
          dependencies:
            runtime: [busybox]
            provides: ["hi=${{package.full-version}}"]
            provider-priority: 10
          options: {no-provides: true}
          scriptlets:
            post-install: |
              #!/bin/sh
              true
            trigger:
              script: "#!/bin/sh\\n"
              paths: [/usr/lib]
          checks: {disabled: [usrmerge]}
          cpe: {vendor: gnu, product: hello}
          setcap:
            - path: /usr/bin/ping
              add: {cap_net_raw: "+ep"}
              reason: ping needs raw sockets
          timeout: 1h
          resources: {cpu: "4", memory: 8Gi}
          test-resources: {cpu: "1"}
          target-architecture: [x86_64]
          annotations: {a: b}
        environment:
          contents:
            repositories: [https://example.org/repo]
            keyring: [https://example.org/key.pub]
            packages: [build-base]
          environment: {CC: gcc}
          accounts:
            users: [{username: build, uid: 1000}]
            groups: [{groupname: build, gid: 1000}]
            run-as: build
        capabilities: {add: [CAP_SYS_ADMIN], drop: [CAP_NET_RAW]}
        data:
          - name: py
            items: {"3.12": "312"}
        vars: {a: b}
        options:
          fast:
            vars: {a: c}
            environment: {contents: {packages: {add: [clang], remove: [gcc]}}}
        update:
          enabled: false
          exclude-reason: frozen
          schedule: {period: weekly, reason: noisy}
          github: {identifier: a/b, strip-prefix: v, use-tag: true}
          version-transform: [{match: "_", replace: "."}]
        test:
          pipeline:
            - runs: hello
        """);
        assertThat(r.pkg().copyright()).extracting(CopyrightEntry::license).containsExactly("MIT", "Apache-2.0");
        assertThat(r.pkg().dependencies().providerPriority()).isEqualTo("10");
        assertThat(r.pkg().scriptlets().triggerPaths()).containsExactly("/usr/lib");
        assertThat(r.pkg().setcap().get(0).add()).containsEntry("cap_net_raw", "+ep");
        assertThat(r.environment().accounts().users().get(0).uid()).isEqualTo(1000L);
        assertThat(r.options().get("fast").addPackages()).containsExactly("clang");
        assertThat(r.update().github().useTag()).isTrue();
        assertThat(r.update().schedule().period()).isEqualTo("weekly");
        assertThat(r.data().get("py")).containsEntry("3.12", "312");
    }

    @Test
    void validatesSetcapAndCpe() {
        RecipeException e = catchThrowableOfType(RecipeException.class, () -> RecipeFixtures.parse("""
        package:
          name: a
          version: "1"
          epoch: 0
          cpe: {part: x, vendor: Gnu}
          setcap:
            - path: /x
              add: {cap_chown: ep}
        """));
        assertThat(e.problems())
                .extracting(Problem::message)
                .containsExactlyInAnyOrder(
                        "package.cpe.vendor: 'Gnu' does not match ^[a-z\\d][a-z\\d+_.-]*$",
                        "package.cpe.part: expected 'a' or 'o', found 'x'",
                        "package.cpe: 'vendor' and 'product' must be set together",
                        "package.setcap[0].add: capability 'cap_chown' is not allowed (allowed: ipc_lock, net_admin, net_bind_service, net_raw, sys_admin)",
                        "package.setcap[0]: 'reason' is required");
    }

    /**
     * Found by NullAway: {@code package:} with no value is a null scalar, which the reader took for an absent
     * block, so the recipe loaded with a null name and version and compiling it failed with a
     * NullPointerException instead of naming the missing keys.
     */
    @Test
    void aPackageKeyWithNoValueReportsTheMissingNameAndVersion() {
        for (String yaml : List.of("package:\npipeline: []\n", "package: ~\n")) {
            RecipeException e = catchThrowableOfType(RecipeException.class, () -> RecipeFixtures.parse(yaml));
            assertThat(e).as(yaml).isNotNull();
            assertThat(e.problems())
                    .extracting(Problem::message)
                    .containsExactly("package: missing required key 'name'", "package: missing required key 'version'");
            assertThat(e.problems()).allSatisfy(p -> assertThat(p.line()).isEqualTo(1));
        }
    }

    @Test
    void yamlSyntaxErrorsAreLocated() {
        RecipeException e =
                catchThrowableOfType(RecipeException.class, () -> RecipeFixtures.parse("package:\n  name: [a\n"));
        assertThat(e.problems().get(0).message()).startsWith("invalid YAML");
        assertThat(e.problems().get(0).line()).isGreaterThan(1);
    }

    @Test
    void capabilitiesMustBeLinuxNamesAndAreKeptInTheKernelSpelling() {
        Recipe r = RecipeFixtures.parse("""
        package: {name: a, version: "1", epoch: 0}
        capabilities:
          add: [CAP_SYS_ADMIN, cap_net_admin, SYS_RESOURCE, CAP_CHECKPOINT_RESTORE]
          drop: [CAP_NET_RAW]
        """);
        assertThat(r.capabilities().add())
                .containsExactly("CAP_SYS_ADMIN", "CAP_NET_ADMIN", "CAP_SYS_RESOURCE", "CAP_CHECKPOINT_RESTORE");
        assertThat(r.capabilities().drop()).containsExactly("CAP_NET_RAW");

        RecipeException e = catchThrowableOfType(RecipeException.class, () -> RecipeFixtures.parse("""
        package: {name: a, version: "1", epoch: 0}
        capabilities:
          add:
            - CAP_NET_ADMIN
            - CAP_NET_ADMN
          drop: [CAP_EVERYTHING]
        """));
        assertThat(e.problems())
                .extracting(Problem::toString)
                .containsExactly(
                        "hello.yaml:5:7: capabilities.add[1]: unknown capability 'CAP_NET_ADMN' (did you mean CAP_NET_ADMIN?"
                                + " Linux defines CAP_CHOWN to CAP_CHECKPOINT_RESTORE, see capabilities(7))",
                        "hello.yaml:6:10: capabilities.drop[0]: unknown capability 'CAP_EVERYTHING' (did you mean "
                                + LinuxCapability.nearest("CAP_EVERYTHING").capName()
                                + "? Linux defines CAP_CHOWN to CAP_CHECKPOINT_RESTORE, see capabilities(7))");
    }

    @Test
    void linuxDefinesFortyOneCapabilitiesNumberedInKernelOrder() {
        assertThat(LinuxCapability.values()).hasSize(41);
        assertThat(LinuxCapability.CHOWN.number()).isZero();
        assertThat(LinuxCapability.SYS_ADMIN.number()).isEqualTo(21);
        assertThat(LinuxCapability.CHECKPOINT_RESTORE.number()).isEqualTo(40);
        assertThat(LinuxCapability.parse("cap_bpf")).contains(LinuxCapability.BPF);
        assertThat(LinuxCapability.parse("CAP_")).isEmpty();
    }

    @Test
    void anUnterminatedReferenceIsReportedAtItsOwnLineAndColumn() {
        RecipeException e = catchThrowableOfType(RecipeException.class, () -> RecipeFixtures.parse("""
        package:
          name: hello
          version: "1.0"
          epoch: 0
          description: ${{package.name} greets
        # a comment may say ${{ without harm
        pipeline:
          - runs: |
              echo fine ${{package.version}}
              echo "${{package.version"
          - name: expression ${{a == "b" || ""}} is left alone
            runs: echo ok
        """));
        assertThat(e.problems())
                .extracting(Problem::toString)
                .containsExactly(
                        "hello.yaml:5:16: unterminated '${{': expected a variable name then '}}' (as in ${{package.version}}),"
                                + " found '${{package.name} greets'",
                        "hello.yaml:10:13: unterminated '${{': expected a variable name then '}}' (as in ${{package.version}}),"
                                + " found '${{package.version\"'");
    }

    @Test
    void anUnterminatedReferenceInAPipelineDefinitionNamesThatFile() {
        RecipeException e = catchThrowableOfType(
                RecipeException.class,
                () -> dev.kiln.recipe.internal.RecipeParsing.definition(
                        "greet",
                        "pipelines/greet.yaml",
                        "name: greet\npipeline:\n  - runs: echo ${{inputs.who\n",
                        false));
        assertThat(e.problems())
                .extracting(Problem::toString)
                .containsExactly(
                        "pipelines/greet.yaml:3:16: unterminated '${{': expected a variable name then '}}' (as in"
                                + " ${{package.version}}), found '${{inputs.who'");
    }
}
