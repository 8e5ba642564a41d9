package dev.kiln.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hostile build can reach, run for real under bubblewrap. CI runs as root, which is the case
 * that matters most: the build's root must be an unprivileged host uid then too.
 */
class SandboxIsolationIT {

    private static final Map<String, String> PATH_ONLY = Map.of("PATH", "/usr/bin:/bin:/usr/sbin:/sbin");

    @TempDir
    Path workspace;

    @TempDir
    Path scratch;

    private BubblewrapSandbox sandbox;

    @BeforeEach
    void setUp() {
        sandbox = new BubblewrapSandbox(
                BubblewrapSandbox.locate(System.getenv()),
                scratch,
                IdentityMap.forCurrentProcess(),
                Duration.ofMillis(200));
    }

    private record Run(ExecResult result, String log) {}

    private Run sh(String script) {
        return run(SandboxSpec.of(workspace, List.of("/bin/sh", "-c", script)).withEnvironment(PATH_ONLY));
    }

    private Run run(SandboxSpec spec) {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ExecResult result = sandbox.run(spec, log);
        return new Run(result, log.toString(StandardCharsets.UTF_8));
    }

    private static boolean kilnIsRoot() {
        return IdentityMap.forCurrentProcess().kind() == IdentityMap.Kind.SUBORDINATE;
    }

    @Test
    void theBuildsRootIsAnUnprivilegedHostUid() throws IOException {
        Run run = sh("id -u; touch /home/build/made-by-build; cat /proc/self/uid_map");
        assertThat(run.result().succeeded()).as(run.log()).isTrue();
        assertThat(run.log()).startsWith("0\n");

        int owner =
                (Integer) Files.getAttribute(workspace.resolve("made-by-build"), "unix:uid", LinkOption.NOFOLLOW_LINKS);
        assertThat(owner).isEqualTo(sandbox.identity().hostUid());
        if (kilnIsRoot()) {
            assertThat(owner).isNotZero();
            assertThat(run.log()).contains(" " + sandbox.identity().hostUid() + " ");
        }
    }

    @Test
    void kernelSettingsCannotBeWrittenEvenWithTheSameValue() {
        for (String knob :
                List.of("/proc/sys/vm/swappiness", "/proc/sys/kernel/core_pattern", "/proc/sys/kernel/hostname")) {
            Run run = sh("v=$(cat " + knob + ") && printf '%s\\n' \"$v\" > " + knob + " && echo WROTE");
            assertThat(run.log()).as(knob).doesNotContain("WROTE");
        }
        Run sysrq = sh(
                "test -e /proc/sysrq-trigger || { echo absent; exit 0; }; echo h > /proc/sysrq-trigger && echo WROTE");
        assertThat(sysrq.log()).doesNotContain("WROTE");
    }

    @Test
    void guestRootHasNoPowerOverHostRootsFiles() throws IOException {
        assumeThat(kilnIsRoot())
                .as("only a root-run Kiln can make a file the build must not read")
                .isTrue();
        Path secret = Files.writeString(scratch.resolve("secret"), "host-only\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path hostDir = Files.createDirectories(scratch.resolve("host-dir"));

        Run run = run(SandboxSpec.of(
                        workspace,
                        List.of(
                                "/bin/sh",
                                "-c",
                                "cat /secret; echo x > /host-dir/planted; chmod 777 /secret; echo done"))
                .withEnvironment(PATH_ONLY)
                .withMount(Mount.readOnly(secret, "/secret"))
                .withMount(Mount.readOnly(hostDir, "/host-dir")));

        assertThat(run.log()).doesNotContain("host-only").contains("done");
        assertThat(hostDir.resolve("planted")).doesNotExist();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)))
                .isEqualTo("rw-------");
    }

    @Test
    void guestRootCanDoWhatInstallScriptsDo() throws IOException {
        assumeThat(kilnIsRoot())
                .as("an unprivileged Kiln can map only its own uid")
                .isTrue();
        Run run = sh("set -e; cd /home/build; echo a > f; chown daemon:tty f; chgrp tty f;"
                + " install -o root -g root -m 0444 f g; echo rewritten > g; cat g;"
                + " mkdir d; chown 65532:65532 d; stat -c '%u:%g %n' f g d");
        assertThat(run.result().succeeded()).as(run.log()).isTrue();
        assertThat(run.log()).contains("rewritten\n", "2:5 f\n", "0:0 g\n", "65532:65532 d\n");
        IdentityMap ids = sandbox.identity();
        assertThat(Files.getAttribute(workspace.resolve("f"), "unix:uid")).isEqualTo(ids.hostUidOf(2));
        assertThat(Files.getAttribute(workspace.resolve("f"), "unix:gid")).isEqualTo(ids.hostGidOf(5));
    }

    @Test
    void noHostPathOnTheSandboxesCommandLineOrEnvironment() {
        String hostPath = workspace.toAbsolutePath().toString();
        Run run = sh("for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline; echo; tr '\\0' '\\n' < $p/environ; done"
                + " 2>/dev/null; echo END");
        assertThat(run.log())
                .contains("END")
                .contains("bwrap --args 3 -- ")
                .doesNotContain(hostPath)
                .doesNotContain(scratch.toAbsolutePath().toString());
    }

    @Test
    void standardInputIsDevNullAndTheOptionsPipeIsGone() {
        // configure scripts dup fd 0; a closed or half-read stdin breaks them.
        Run run = sh("readlink /proc/self/fd/0; readlink /proc/$$/fd/3 || echo no-fd-3");
        assertThat(run.log()).startsWith("/dev/null\n").contains("no-fd-3");
    }

    @Test
    void forkBombsHitTheProcessLimit() {
        assumeThat(kilnIsRoot())
                .as("the limit counts the build's own host uid only when that uid is its own")
                .isTrue();
        Run run = run(SandboxSpec.of(
                        workspace,
                        List.of(
                                "/bin/sh",
                                "-c",
                                "i=0; while [ $i -lt 64 ]; do sleep 30 & i=$((i+1)); done; echo spawned-all"))
                .withEnvironment(PATH_ONLY)
                .withTimeout(Duration.ofSeconds(20))
                .withLimits(SandboxLimits.DEFAULT.withMaxProcesses(16)));
        assertThat(run.log()).doesNotContain("spawned-all").containsIgnoringCase("fork");
    }

    @Test
    void aWorkspaceGrowingPastItsLimitIsStopped() {
        Run run = run(SandboxSpec.of(
                        workspace,
                        List.of("/bin/sh", "-c", "head -c 4000000 /dev/zero > /home/build/big; echo written; sleep 60"))
                .withEnvironment(PATH_ONLY)
                .withTimeout(Duration.ofSeconds(50))
                .withLimits(SandboxLimits.DEFAULT.withMaxWorkspaceBytes(1_000_000)));
        assertThat(run.result().termination()).isEqualTo(ExecResult.Termination.WORKSPACE_LIMIT);
        assertThat(run.result().succeeded()).isFalse();
    }
}
