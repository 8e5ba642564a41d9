package dev.kiln.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.oci.DockerArchive;
import dev.kiln.oci.OciArchive;
import dev.kiln.oci.OciLayout;
import dev.kiln.testkit.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Third-party clients read what Kiln writes: skopeo (all formats), umoci (layout), bubblewrap runs the rootfs. */
class InteropIT {
    @TempDir
    Path tmp;

    record Run(int exit, String out) {}

    static Run run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @Test
    void skopeoUmociAndBubblewrapReadKilnImages() throws Exception {
        Tools.require("skopeo", "apt-get install skopeo");
        Tools.require("umoci", "apt-get install umoci");
        Fixtures.runnableRepository(tmp);
        ImageBuild build = Fixtures.build(tmp, ImageBuilderTest.HELLO);

        new OciLayout(tmp.resolve("layout")).write(build.images(), "latest");
        new OciArchive(tmp.resolve("image.oci.tar")).write(build.images(), "latest");
        new DockerArchive(tmp.resolve("image.docker.tar"), null).write(build.images(), "kiln.dev/hello:latest");

        String manifestDigest =
                build.archs().get(0).image().manifest().descriptor().digest().toString();
        for (String source :
                List.of("oci:layout:latest", "oci-archive:image.oci.tar:latest", "docker-archive:image.docker.tar")) {
            Run inspect = run(tmp, "skopeo", "--override-os", "linux", "--override-arch", "amd64", "inspect", source);
            assertThat(inspect.exit()).as(source + ": " + inspect.out()).isZero();
            assertThat(inspect.out()).contains("\"Architecture\": \"amd64\"");
            Run copy = run(
                    tmp,
                    "skopeo",
                    "--override-os",
                    "linux",
                    "--override-arch",
                    "amd64",
                    "copy",
                    source,
                    "dir:" + tmp.resolve("copy-" + source.split(":")[0]));
            assertThat(copy.exit()).as(source + ": " + copy.out()).isZero();
        }
        Run raw = run(tmp, "skopeo", "inspect", "--raw", "oci:layout:latest");
        assertThat(raw.out().trim()).isEqualTo(new String(build.images().index().bytes(), StandardCharsets.UTF_8));
        assertThat(raw.out()).contains(manifestDigest);

        Run unpack = run(tmp, "umoci", "unpack", "--rootless", "--image", "layout:latest", "bundle");
        assertThat(unpack.exit()).as(unpack.out()).isZero();
        Path rootfs = tmp.resolve("bundle/rootfs");
        assertThat(rootfs.resolve("lib/apk/db/installed")).isRegularFile();
        assertThat(Files.readString(rootfs.resolve("usr/lib/apk/db/installed"))).contains("P:hello\n");
        assertThat(Files.readString(rootfs.resolve("etc/passwd"))).contains("nonroot:x:65532:65532:");

        assumeTrue(System.getProperty("os.arch").equals("amd64"), "the fixture packages are built for x86-64");
        Tools.require("bwrap", "apt-get install bubblewrap");
        List<String> cmd = new ArrayList<>(List.of(
                "bwrap",
                "--unshare-all",
                "--uid",
                "65532",
                "--gid",
                "65532",
                "--ro-bind",
                rootfs.toString(),
                "/",
                "--"));
        cmd.addAll(build.archs().get(0).image().parsedConfig().config().entrypoint());
        Run hello = run(tmp, cmd.toArray(String[]::new));
        assertThat(hello.exit()).as(hello.out()).isZero();
        assertThat(hello.out()).isEqualTo("Hello, world!\n");
        Run id = run(
                tmp,
                "bwrap",
                "--unshare-all",
                "--uid",
                "65532",
                "--gid",
                "65532",
                "--ro-bind",
                "/",
                "/",
                "--",
                "id",
                "-u");
        assertThat(id.out().trim()).isEqualTo("65532");
    }
}
