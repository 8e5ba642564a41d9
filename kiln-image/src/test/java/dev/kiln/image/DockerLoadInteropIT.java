package dev.kiln.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.oci.DockerArchive;
import dev.kiln.testkit.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Docker engine itself loads and runs a Kiln Docker archive: a private {@code dockerd} (Debian's
 * docker.io, started by the test with its own data root and socket, no network, the vfs storage
 * driver) runs {@code docker load}, reports the config digest as the image ID, and runs the image's
 * entrypoint as the non-root user the config names.
 */
class DockerLoadInteropIT {
    @TempDir
    Path tmp;

    @Test
    void dockerLoadsAndRunsTheArchive() throws Exception {
        Tools.require("dockerd", "apt-get install docker.io");
        Tools.require("docker", "apt-get install docker.io");
        assumeTrue("root".equals(System.getProperty("user.name")), "dockerd runs only as root");
        Fixtures.runnableRepository(tmp);
        ImageBuild build = Fixtures.build(tmp, ImageBuilderTest.HELLO);
        Path archive = tmp.resolve("hello.docker.tar");
        String imageId = new DockerArchive(archive, null)
                .write(build.images(), "kiln.dev/hello:2.12")
                .toString();

        // unix socket paths are limited to 108 bytes, so the daemon's runtime state lives under a short path
        Path run = Files.createTempDirectory(Path.of("/tmp"), "kd");
        String host = "unix://" + run.resolve("docker.sock");
        Process daemon = new ProcessBuilder(
                        "dockerd",
                        "--data-root",
                        tmp.resolve("docker").toString(),
                        "--exec-root",
                        run.resolve("exec").toString(),
                        "--pidfile",
                        run.resolve("pid").toString(),
                        "--host",
                        host,
                        "--iptables=false",
                        "--ip6tables=false",
                        "--bridge=none",
                        "--storage-driver=vfs")
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("dockerd.log").toFile())
                .start();
        try {
            waitForDaemon(host, daemon);
            InteropIT.Run load = InteropIT.run(tmp, "docker", "-H", host, "load", "-i", archive.toString());
            assertThat(load.exit()).as(load.out()).isZero();
            assertThat(load.out()).contains("Loaded image: kiln.dev/hello:2.12");

            InteropIT.Run inspect = InteropIT.run(
                    tmp,
                    "docker",
                    "-H",
                    host,
                    "image",
                    "inspect",
                    "kiln.dev/hello:2.12",
                    "--format",
                    "{{.Id}} {{.Config.User}} {{json .Config.Entrypoint}} {{.Os}}/{{.Architecture}}");
            assertThat(inspect.exit()).as(inspect.out()).isZero();
            assertThat(inspect.out().trim()).isEqualTo(imageId + " 65532 [\"/usr/bin/hello\"] linux/amd64");

            InteropIT.Run hello =
                    InteropIT.run(tmp, "docker", "-H", host, "run", "--rm", "--network", "none", "kiln.dev/hello:2.12");
            assertThat(hello.exit()).as(hello.out()).isZero();
            assertThat(hello.out()).isEqualTo("Hello, world!\n");
        } finally {
            daemon.destroy();
            if (!daemon.waitFor(30, TimeUnit.SECONDS)) {
                daemon.destroyForcibly().waitFor();
            }
            InteropIT.run(tmp, "rm", "-rf", run.toString());
        }
    }

    private void waitForDaemon(String host, Process daemon) throws Exception {
        List<String> tries = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            InteropIT.Run version =
                    InteropIT.run(tmp, "docker", "-H", host, "version", "--format", "{{.Server.Version}}");
            if (version.exit() == 0) {
                return;
            }
            assertThat(daemon.isAlive())
                    .as("dockerd exited: " + Files.readString(tmp.resolve("dockerd.log")))
                    .isTrue();
            tries.add(version.out());
            Thread.sleep(250);
        }
        throw new AssertionError("dockerd did not answer on " + host + ": " + tries.get(tries.size() - 1) + "\n"
                + Files.readString(tmp.resolve("dockerd.log")));
    }
}
