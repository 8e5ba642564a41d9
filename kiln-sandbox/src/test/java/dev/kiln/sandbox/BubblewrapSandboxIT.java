package dev.kiln.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BubblewrapSandboxIT {

    private static final Map<String, String> PATH_ONLY = Map.of("PATH", "/usr/bin:/bin");

    @TempDir
    Path workspace;

    @TempDir
    Path scratch;

    private BubblewrapSandbox sandbox;

    @BeforeEach
    void setUp() {
        sandbox = new BubblewrapSandbox(BubblewrapSandbox.locate(System.getenv()), scratch);
    }

    @Test
    void preflightPassesOnThisHost() {
        assertThat(Preflight.check(System.getenv())).endsWith(Path.of("bwrap"));
    }

    private record Run(ExecResult result, String log) {}

    private Run run(SandboxSpec spec) {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ExecResult result = sandbox.run(spec, log);
        return new Run(result, log.toString(StandardCharsets.UTF_8));
    }

    private Run sh(String script) {
        return run(SandboxSpec.of(workspace, List.of("/bin/sh", "-c", script)).withEnvironment(PATH_ONLY));
    }

    @Test
    void runsAScriptFromTheWorkspaceAndCapturesStdoutAndStderr() throws IOException {
        Files.createDirectories(workspace.resolve(".kiln"));
        Files.writeString(workspace.resolve(".kiln/step-3.sh"), "echo to-out\necho to-err >&2\npwd\n");

        Run run = run(SandboxSpec.of(workspace, List.of("/bin/sh", "/home/build/.kiln/step-3.sh"))
                .withEnvironment(PATH_ONLY));

        assertThat(run.result()).isEqualTo(ExecResult.exited(0));
        assertThat(run.log()).contains("to-out\n", "to-err\n", "/home/build\n");
    }

    @Test
    void exitCodesPropagate() {
        assertThat(sh("exit 7").result()).isEqualTo(ExecResult.exited(7));
        assertThat(sh("true").result().succeeded()).isTrue();
    }

    @Test
    void runsAsRootOfItsOwnNamespaceByDefault() {
        Run run = sh("id -u; id -g; id -un; cat /proc/sys/kernel/hostname");
        assertThat(run.log()).isEqualTo("0\n0\nroot\nkiln\n");
    }

    @Test
    void customUidIsHonoured() {
        Run run = run(SandboxSpec.of(workspace, List.of("/usr/bin/id", "-u")).withUser(1000, 1000));
        assertThat(run.log()).isEqualTo("1000\n");
    }

    @Test
    void environmentIsExactlyWhatWasGiven() {
        Run run = run(SandboxSpec.of(workspace, List.of("/usr/bin/env"))
                .withEnvironment(Map.of("FOO", "bar", "HOME", "/home/build")));
        // bwrap sets PWD after --chdir, as a shell would; nothing else is added.
        assertThat(run.log()).isEqualTo("FOO=bar\nHOME=/home/build\nPWD=/home/build\n");

        Run empty = run(SandboxSpec.of(workspace, List.of("/usr/bin/env")).withWorkingDirectory("/tmp"));
        assertThat(empty.log()).isEqualTo("PWD=/tmp\n");
    }

    @Test
    void usrAndRootAreReadOnlyWhileWorkspaceAndTmpAreWritable() throws IOException {
        assertThat(sh("touch /usr/kiln-probe").result().exitCode()).isNotZero();
        assertThat(sh("mkdir /kiln-probe").result().exitCode()).isNotZero();
        assertThat(sh("touch /etc/passwd").result().exitCode()).isNotZero();

        Run run = sh("echo made-inside > /home/build/out.txt && touch /tmp/x && echo ok");
        assertThat(run.result().exitCode()).isZero();
        assertThat(Files.readString(workspace.resolve("out.txt"))).isEqualTo("made-inside\n");
    }

    @Test
    void hostUsersAndFilesDoNotLeakIntoEtc() {
        Run run = sh("cat /etc/passwd; ls /etc");
        assertThat(run.log())
                .contains("root:x:0:0:root:/root:/bin/sh\n", "nobody:x:65534:65534:")
                .doesNotContain("shadow\n")
                .doesNotContain("hostname-of-host");
        String hostPasswd = readOrEmpty(Path.of("/etc/passwd"));
        hostPasswd
                .lines()
                .map(l -> l.split(":")[0])
                .filter(name -> !GENERATED_ACCOUNTS.contains(name))
                .forEach(name -> assertThat(run.log()).doesNotContain("\n" + name + ":x:"));
    }

    @Test
    void noNetworkByDefaultButLoopbackExists() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String connect = "bash -c 'echo > /dev/tcp/127.0.0.1/" + server.getLocalPort() + "'";

            Run isolated = sh(connect);
            assertThat(isolated.result().exitCode()).isNotZero();
            assertThat(isolated.log()).contains("Connection refused");

            Run devices = sh("tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '");
            assertThat(devices.log()).isEqualTo("lo\n");

            // Positive control: the same probe reaches the host's server when the network is shared.
            Run shared = run(SandboxSpec.of(workspace, List.of("/bin/sh", "-c", connect))
                    .withEnvironment(PATH_ONLY)
                    .withNetwork(true));
            assertThat(shared.result().exitCode()).isZero();
        }
    }

    @Test
    void compilesAndRunsACProgramWithTheHostToolchain() throws IOException {
        Files.writeString(
                workspace.resolve("hello.c"),
                "#include <stdio.h>\nint main(void) { printf(\"hello from %s\\n\", \"kiln\"); return 0; }\n");

        Run run = run(SandboxSpec.of(workspace, List.of("/bin/sh", "-c", "cc -O2 -o hello hello.c && ./hello"))
                .withEnvironment(Map.of("PATH", "/usr/bin:/bin", "HOME", "/home/build")));

        assertThat(run.log()).isEqualTo("hello from kiln\n");
        assertThat(run.result().exitCode()).isZero();
        assertThat(workspace.resolve("hello")).isExecutable();
    }

    @Test
    void timeoutKillsTheProcessTree() throws IOException {
        // The background child would keep the log pipe open if only the shell were killed.
        Run run = run(SandboxSpec.of(workspace, List.of("/bin/sh", "-c", "sleep 300 & echo started; sleep 300"))
                .withEnvironment(PATH_ONLY)
                .withTimeout(Duration.ofMillis(1500)));

        assertThat(run.result().timedOut()).isTrue();
        assertThat(run.result().succeeded()).isFalse();
        assertThat(run.log()).contains("started");
    }

    @Test
    void extraMountsCanBeReadOnly() throws IOException {
        Path source = Files.createDirectories(scratch.resolve("src"));
        Files.writeString(source.resolve("input.txt"), "payload\n");

        Run run = run(SandboxSpec.of(workspace, List.of("/bin/sh", "-c", "cat /src/input.txt; touch /src/new"))
                .withEnvironment(PATH_ONLY)
                .withMount(Mount.readOnly(source, "/src")));

        assertThat(run.log()).startsWith("payload\n");
        assertThat(run.result().exitCode()).isNotZero();
        assertThat(source.resolve("new")).doesNotExist();
    }

    @Test
    void missingWorkspaceIsReportedBeforeStarting() {
        SandboxSpec spec = SandboxSpec.of(workspace.resolve("absent"), List.of("/usr/bin/true"));
        assertThatThrownBy(() -> sandbox.run(spec, new ByteArrayOutputStream()))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("absent");
    }

    private static final List<String> GENERATED_ACCOUNTS = List.of(
            "root",
            "bin",
            "daemon",
            "adm",
            "lp",
            "sync",
            "shutdown",
            "halt",
            "mail",
            "news",
            "uucp",
            "operator",
            "man",
            "postmaster",
            "cron",
            "ftp",
            "sshd",
            "at",
            "games",
            "ntp",
            "nonroot",
            "nobody");

    private static String readOrEmpty(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void generatedEtcFilesAreRemovedAfterTheRun() throws IOException {
        sh("true");
        try (var files = Files.list(scratch)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void argumentsMirrorTheHostLayoutAndEndWithTheCommand() {
        List<String> args = sandbox.arguments(
                SandboxSpec.of(workspace, List.of("/bin/true", "x")).withEnvironment(Map.of("A", "1")), scratch);

        assertThat(args)
                .doesNotContain(sandbox.executable().toString())
                .containsSequence("--ro-bind", "/usr", "/usr")
                .containsSequence("--bind", workspace.toString(), "/home/build")
                .containsSequence("--clearenv", "--setenv", "A", "1")
                .doesNotContain("--share-net")
                .endsWith("--", "/bin/true", "x");
        if (Files.isSymbolicLink(Path.of("/lib"))) {
            assertThat(args).containsSequence("--symlink", "usr/lib", "/lib");
        }
    }
}
