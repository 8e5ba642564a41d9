package dev.kiln.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hermetic stage for real: a root filesystem made of a static busybox and nothing else becomes the
 * sandbox's {@code /}, and nothing of the host's {@code /usr} or {@code /etc} is reachable.
 */
class HermeticRootIT {

    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final Map<String, String> PATH_ONLY = Map.of("PATH", "/usr/bin:/bin");

    @TempDir
    Path workspace;

    @TempDir
    Path scratch;

    @TempDir
    Path rootfs;

    private BubblewrapSandbox sandbox;

    @BeforeEach
    void setUp() throws IOException {
        assumeThat(Files.isExecutable(BUSYBOX))
                .as("Debian's busybox-static (scripts/host-setup installs it)")
                .isTrue();
        sandbox = new BubblewrapSandbox(
                BubblewrapSandbox.locate(System.getenv()),
                scratch,
                IdentityMap.forCurrentProcess(),
                Duration.ofMillis(200));
        Path bin = Files.createDirectories(rootfs.resolve("bin"));
        Files.copy(BUSYBOX, bin.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        for (String applet : List.of("sh", "ls", "cat", "echo", "test", "id", "touch", "mkdir", "grep", "rm", "mv")) {
            Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        }
        Files.createDirectories(rootfs.resolve("usr/bin"));
        Files.writeString(Files.createDirectories(rootfs.resolve("usr/share")).resolve("from-cache"), "cache\n");
        handDirectories(rootfs);
    }

    /** What a caller of a hermetic sandbox does: directories to guest root, files left as they are. */
    private void handDirectories(Path root) throws IOException {
        if (sandbox.identity().kind() != IdentityMap.Kind.SUBORDINATE) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .toList()) {
                Files.setAttribute(p, "unix:uid", sandbox.identity().hostUid());
                Files.setAttribute(p, "unix:gid", sandbox.identity().hostGid());
            }
        }
    }

    private String sh(String script) {
        SandboxSpec spec = SandboxSpec.of(workspace, List.of("/bin/sh", "-c", script))
                .withEnvironment(PATH_ONLY)
                .withRootfs(rootfs);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ExecResult result = sandbox.run(spec, log);
        String text = log.toString(StandardCharsets.UTF_8);
        assertThat(result.succeeded()).as(text).isTrue();
        return text;
    }

    @Test
    void nothingOfTheHostsUsrOrEtcIsVisible() {
        assumeThat(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu"))).isTrue();
        String out = sh("for p in /usr/bin/apt-get /usr/lib/x86_64-linux-gnu /etc/os-release /etc/alternatives"
                + " /usr/bin/env /lib64; do test -e $p && echo VISIBLE $p; done; ls /; cat /etc/passwd; echo done");
        assertThat(out).doesNotContain("VISIBLE").contains("done");
        assertThat(out).contains("root:x:0:0:");
        assertThat(out.lines().takeWhile(l -> !l.contains(":")).toList())
                .containsExactlyInAnyOrder("bin", "dev", "etc", "home", "proc", "tmp", "usr");
    }

    @Test
    void theRootIsTheBuildsOwnToChange() throws IOException {
        sh("mkdir -p /usr/local/bin && echo built > /usr/local/bin/tool && echo $(id -u) > /home/build/uid");
        assertThat(rootfs.resolve("usr/local/bin/tool")).hasContent("built");
        assertThat(workspace.resolve("uid")).hasContent("0");
    }

    @Test
    void filesOwnedOutsideTheBuildsRangeCanBeReplacedButNotWrittenInPlace() throws IOException {
        assumeThat(sandbox.identity().kind())
                .as("only root can own files outside the build's range")
                .isEqualTo(IdentityMap.Kind.SUBORDINATE);
        Path shared = rootfs.resolve("usr/share/from-cache");
        String out = sh(
                "echo changed >> /usr/share/from-cache 2>/dev/null && echo WROTE-IN-PLACE;"
                        + " echo mine > /usr/share/new && mv /usr/share/new /usr/share/from-cache && cat /usr/share/from-cache");
        assertThat(out).doesNotContain("WROTE-IN-PLACE").contains("mine");
        assertThat(Files.readString(rootfs.resolve("usr/share/from-cache"))).isEqualTo("mine\n");
        assertThat(shared).exists();
    }
}
