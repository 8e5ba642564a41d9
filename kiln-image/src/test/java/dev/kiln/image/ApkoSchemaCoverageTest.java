package dev.kiln.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kiln.apk.FileNode;
import dev.kiln.apk.InstalledPackage;
import dev.kiln.oci.ImageConfig;
import dev.kiln.testkit.TestPackages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing of an apko config is parsed and then dropped: every field of apko's {@code ImageConfiguration}
 * ({@code chainguard-dev/apko: pkg/build/types/types.go}, plus the retired {@code options}) is either
 * applied, which a check on the built image observes, or rejected with a {@code file:line:col} error.
 */
class ApkoSchemaCoverageTest {
    /** Every field apko's schema has, as dotted paths ({@code []} marks a list entry's field). */
    static final Set<String> APKO_FIELDS = new TreeSet<>(List.of(
            "contents.repositories",
            "contents.build_repositories",
            "contents.runtime_repositories",
            "contents.keyring",
            "contents.runtime_keyring[].name",
            "contents.runtime_keyring[].content",
            "contents.packages",
            "contents.baseimage.image",
            "contents.baseimage.apkindex",
            "entrypoint.type",
            "entrypoint.command",
            "entrypoint.shell-fragment",
            "entrypoint.services",
            "cmd",
            "stop-signal",
            "work-dir",
            "accounts.run-as",
            "accounts.users[].username",
            "accounts.users[].uid",
            "accounts.users[].gid",
            "accounts.users[].shell",
            "accounts.users[].homedir",
            "accounts.groups[].groupname",
            "accounts.groups[].gid",
            "accounts.groups[].members",
            "archs",
            "environment",
            "paths[].path",
            "paths[].type",
            "paths[].uid",
            "paths[].gid",
            "paths[].permissions",
            "paths[].source",
            "paths[].recursive",
            "vcs-url",
            "annotations",
            "include",
            "volumes",
            "layering.strategy",
            "layering.budget",
            "format",
            "certificates.additional[].name",
            "certificates.additional[].content",
            "certificates.providers",
            "options"));

    /** How a field is shown to be handled: a config that sets it and what the result must show. */
    sealed interface Outcome permits Applied, Rejected {}

    record Applied(String yaml, Consumer<ArchImage> check) implements Outcome {}

    /** Rejected with an error at {@code file:line:col} containing {@code message}. */
    record Rejected(String yaml, String message) implements Outcome {}

    @TempDir
    Path tmp;

    @BeforeEach
    void setUp() throws Exception {
        Fixtures.repository(tmp);
        Fixtures.publicKey(tmp);
        TestPackages.publish(
                tmp.resolve("extra"),
                "x86_64",
                Fixtures.KEY,
                List.of(
                        // a service bundle runs both (s6 brings execlineb in through its execline dependency)
                        TestPackages.apk("s6", "2.13.1.0-r0")
                                .builddate(Fixtures.BUILD_DATE)
                                .file("usr/bin/s6-svscan", "#!/bin/sh\n", 0755)
                                .file("usr/bin/execlineb", "#!/bin/sh\n", 0755),
                        TestPackages.apk("corp-ca", "1.0-r0")
                                .builddate(Fixtures.BUILD_DATE)
                                .provides("custom-ca-certificates")
                                .file(
                                        "usr/local/share/ca-certificates/corp.crt",
                                        TestCertificates.pem(TestCertificates.selfSigned("Corp")),
                                        0644)));
        Files.writeString(tmp.resolve("base.yaml"), "contents:\n  packages: [greeter-a]\n");
    }

    /** A buildable config: the fixture repositories, baselayout and hello, plus {@code contents} and {@code rest}. */
    static String config(String contents, String rest) {
        return "contents:\n  repositories: [./repo, ./extra]\n  keyring: [./kiln-test.rsa.pub]\n"
                + "  packages: [kiln-baselayout, hello]\n" + contents + rest;
    }

    static String top(String rest) {
        return config("", rest);
    }

    static ImageConfig.Runtime runtime(ArchImage a) {
        return a.image().parsedConfig().config();
    }

    static String text(ArchImage a, String path) {
        return ImageBuilderTest.text(a.tree(), path);
    }

    static FileNode node(ArchImage a, String path) {
        return a.tree().get(path).orElseThrow(() -> new AssertionError(path + " is not in the image"));
    }

    static Map<String, Outcome> cases() throws Exception {
        Map<String, Outcome> c = new LinkedHashMap<>();
        c.put(
                "contents.repositories",
                new Applied(
                        top(""),
                        a -> assertThat(text(a, "etc/apk/repositories")).isEqualTo("./repo\n./extra\n")));
        c.put("contents.build_repositories", new Applied("""
                        contents:
                          build_repositories: [./repo]
                          keyring: [./kiln-test.rsa.pub]
                          packages: [kiln-baselayout, hello]
                        """, a -> {
            assertThat(a.packages()).extracting(InstalledPackage::name).contains("hello");
            assertThat(text(a, "etc/apk/repositories")).isEmpty();
        }));
        c.put(
                "contents.runtime_repositories",
                new Applied(
                        config("  runtime_repositories: [https://example.org/os]\n", ""),
                        a -> assertThat(text(a, "etc/apk/repositories")).contains("https://example.org/os\n")));
        c.put(
                "contents.keyring",
                new Applied(
                        top(""),
                        a -> assertThat(a.tree().exists("etc/apk/keys/kiln-test.rsa.pub"))
                                .isTrue()));
        Applied runtimeKeyring = new Applied(
                config("  runtime_keyring: [{name: extra.rsa.pub, content: PUBLIC-KEY}]\n", ""),
                a -> assertThat(text(a, "etc/apk/keys/extra.rsa.pub")).isEqualTo("PUBLIC-KEY"));
        c.put("contents.runtime_keyring[].name", runtimeKeyring);
        c.put("contents.runtime_keyring[].content", runtimeKeyring);
        c.put(
                "contents.packages",
                new Applied(
                        top(""),
                        a -> assertThat(a.packages())
                                .extracting(InstalledPackage::name)
                                .containsExactlyInAnyOrder("kiln-baselayout", "hello", "libc")));
        // applied in full in BaseImageTest; here it is enough that the build reads the named paths
        Rejected baseImage = new Rejected(
                config("  baseimage: {image: ./no-layout, apkindex: ./no-index}\n", "cmd: x\n"),
                "'cmd' cannot be used with contents.baseimage");
        c.put("contents.baseimage.image", baseImage);
        c.put("contents.baseimage.apkindex", baseImage);
        Applied serviceBundle =
                new Applied(top("entrypoint:\n  type: service-bundle\n  services: {web: /usr/bin/hello}\n"), a -> {
                    assertThat(runtime(a).entrypoint()).containsExactly("/bin/s6-svscan", "/sv");
                    assertThat(text(a, "sv/web/run")).isEqualTo("#!/bin/execlineb\n/usr/bin/hello\n");
                    assertThat(a.packages()).extracting(InstalledPackage::name).contains("s6");
                });
        c.put("entrypoint.type", serviceBundle);
        c.put("entrypoint.services", serviceBundle);
        c.put(
                "entrypoint.command",
                new Applied(
                        top("entrypoint: {command: /usr/bin/hello --loud}\n"),
                        a -> assertThat(runtime(a).entrypoint()).containsExactly("/usr/bin/hello", "--loud")));
        c.put(
                "entrypoint.shell-fragment",
                new Applied(
                        top("entrypoint: {shell-fragment: echo hi}\n"),
                        a -> assertThat(runtime(a).entrypoint()).containsExactly("/bin/sh", "-c", "echo hi")));
        c.put(
                "cmd",
                new Applied(
                        top("cmd: --help 'two words'\n"),
                        a -> assertThat(runtime(a).cmd()).containsExactly("--help", "two words")));
        c.put(
                "stop-signal",
                new Applied(
                        top("stop-signal: SIGQUIT\n"),
                        a -> assertThat(runtime(a).stopSignal()).isEqualTo("SIGQUIT")));
        c.put(
                "work-dir",
                new Applied(
                        top("work-dir: /srv\n"),
                        a -> assertThat(runtime(a).workingDir()).isEqualTo("/srv")));
        Applied accounts = new Applied(top("""
                        accounts:
                          run-as: app
                          users: [{username: app, uid: 1000, gid: 1001, shell: /bin/false, homedir: /srv/app}]
                          groups: [{groupname: staff, gid: 1001, members: [app]}]
                        """), a -> {
            assertThat(runtime(a).user()).isEqualTo("app");
            assertThat(text(a, "etc/passwd")).contains("app:x:1000:1001:Account created by kiln:/srv/app:/bin/false\n");
            assertThat(text(a, "etc/group")).contains("staff:x:1001:app\n");
            assertThat(node(a, "srv/app").uid()).isEqualTo(1000);
        });
        for (String f : List.of(
                "accounts.run-as",
                "accounts.users[].username",
                "accounts.users[].uid",
                "accounts.users[].gid",
                "accounts.users[].shell",
                "accounts.users[].homedir",
                "accounts.groups[].groupname",
                "accounts.groups[].gid",
                "accounts.groups[].members")) {
            c.put(f, accounts);
        }
        c.put(
                "archs",
                new Applied(
                        top("archs: [amd64]\n"),
                        a -> assertThat(a.platform().architecture()).isEqualTo("amd64")));
        c.put(
                "environment",
                new Applied(
                        top("environment: {LANG: C.UTF-8}\n"),
                        a -> assertThat(runtime(a).env()).contains("LANG=C.UTF-8")));
        Applied paths = new Applied(top("""
                        paths:
                          - {path: /data, type: directory, uid: 1000, gid: 1001, permissions: 0o750}
                          - {path: /data/empty, type: empty-file, permissions: 0o600}
                          - {path: /usr/bin/hi, type: symlink, source: hello}
                          - {path: /usr/bin/hey, type: hardlink, source: /usr/bin/hello}
                          - {path: /usr/share/hello, type: permissions, permissions: 0o700, recursive: true}
                        """), a -> {
            FileNode data = node(a, "data");
            assertThat(data.kind()).isEqualTo(FileNode.Kind.DIRECTORY);
            assertThat(data.mode() & 07777).isEqualTo(0750);
            assertThat(data.uid()).isEqualTo(1000);
            assertThat(data.gid()).isEqualTo(1001);
            assertThat(node(a, "data/empty").mode() & 07777).isEqualTo(0600);
            assertThat(node(a, "usr/bin/hi").linkTarget()).isEqualTo("hello");
            assertThat(node(a, "usr/bin/hey").kind()).isEqualTo(FileNode.Kind.HARDLINK);
            assertThat(node(a, "usr/share/hello/greeting").mode() & 07777)
                    .as("recursive")
                    .isEqualTo(0700);
        });
        for (String f : List.of(
                "paths[].path",
                "paths[].type",
                "paths[].uid",
                "paths[].gid",
                "paths[].permissions",
                "paths[].source",
                "paths[].recursive")) {
            c.put(f, paths);
        }
        c.put(
                "vcs-url",
                new Applied(
                        top("vcs-url: https://example.org/images@abc123\n"),
                        a -> assertThat(a.image().parsedManifest().annotations())
                                .containsEntry("org.opencontainers.image.source", "https://example.org/images")
                                .containsEntry("org.opencontainers.image.revision", "abc123")));
        c.put("annotations", new Applied(top("annotations: {org.example.team: infra}\n"), a -> {
            assertThat(a.image().parsedManifest().annotations()).containsEntry("org.example.team", "infra");
            assertThat(runtime(a).labels()).containsEntry("org.example.team", "infra");
        }));
        c.put(
                "include",
                new Applied(
                        top("include: base.yaml\n"),
                        a -> assertThat(a.packages())
                                .extracting(InstalledPackage::name)
                                .contains("greeter-a")));
        c.put(
                "volumes",
                new Applied(
                        top("volumes: [/data]\n"),
                        a -> assertThat(runtime(a).volumes()).containsExactly("/data")));
        Applied layering = new Applied(
                top("layering: {strategy: origin, budget: 2}\n"),
                a -> assertThat(a.layers()).hasSize(3));
        c.put("layering.strategy", layering);
        c.put("layering.budget", layering);
        c.put("format", new Rejected(top("format: erofs\n"), "format must be 'tar' (erofs is not supported)"));
        Applied additional = new Applied(
                top("certificates:\n  additional:\n    - name: extra\n      content: |\n"
                        + TestCertificates.indented(TestCertificates.pem(TestCertificates.selfSigned("X")), 8)),
                a -> assertThat(a.tree().subtree("usr/local/share/ca-certificates"))
                        .extracting(FileNode::path)
                        .anyMatch(p -> p.startsWith("usr/local/share/ca-certificates/extra-")));
        c.put("certificates.additional[].name", additional);
        c.put("certificates.additional[].content", additional);
        c.put(
                "certificates.providers",
                new Applied(
                        config("", "certificates: {providers: [custom-ca-certificates]}\n")
                                .replace("[kiln-baselayout, hello]", "[kiln-baselayout, hello, corp-ca]"),
                        a -> assertThat(text(a, "etc/ssl/certs/ca-certificates.crt"))
                                .startsWith("-----BEGIN CERTIFICATE-----")));
        c.put("options", new Rejected(top("options: {}\n"), "'options' (build-time profiles) is not supported"));
        return c;
    }

    @Test
    void everyFieldOfApkosSchemaHasACase() throws Exception {
        assertThat(cases().keySet()).containsExactlyInAnyOrderElementsOf(APKO_FIELDS);
    }

    @TestFactory
    Stream<DynamicTest> eachFieldIsAppliedOrRejected() throws Exception {
        return cases().entrySet().stream()
                .map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
                    Outcome outcome = e.getValue();
                    if (outcome instanceof Applied applied) {
                        applied.check()
                                .accept(Fixtures.build(tmp, applied.yaml())
                                        .archs()
                                        .get(0));
                    } else if (outcome instanceof Rejected rejected) {
                        Throwable t = catchThrowable(() -> Fixtures.build(tmp, rejected.yaml()));
                        assertThat(t).as(e.getKey()).isInstanceOf(ImageException.class);
                        assertThat(t.getMessage())
                                .as(e.getKey())
                                .containsPattern("image\\.yaml:\\d+:\\d+: [^\\n]*"
                                        + java.util.regex.Pattern.quote(rejected.message()));
                    }
                }));
    }

    /** The loader's own field list agrees with apko's: a key apko lacks is an error, so none is silently taken. */
    @Test
    void aKeyApkoDoesNotHaveIsRejected() throws Exception {
        Throwable t = catchThrowable(() -> Fixtures.build(tmp, top("entrypoint: {comand: /usr/bin/hello}\n")));
        assertThat(t).hasMessageContaining("image.yaml:5:14: unknown key 'comand' in 'entrypoint'");
    }
}
