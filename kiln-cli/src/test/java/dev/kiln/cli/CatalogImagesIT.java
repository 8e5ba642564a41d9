package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.cli.ExampleCatalogIT.Run;
import dev.kiln.testkit.Tools;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution's hello and busybox images (issue 12, item 6) built with {@code kiln image build} from the
 * catalog's real packages: the catalog's hello and the bootstrap's busybox, both linked dynamically against
 * Kiln's glibc. Each image must install glibc and the loader (ld-linux) through its program's dependencies alone,
 * and start under bubblewrap as its nonroot user.
 *
 * <p>The packages come from a toolchain bootstrap and catalog builds (README, "The catalog"), which take hours:
 * {@code KILN_CATALOG_REPOSITORIES} names their repositories and {@code KILN_CATALOG_KEYRING} their public keys
 * (each a path list), else the test is skipped.
 */
class CatalogImagesIT {
    static final Path ROOT = UpstreamExamples.ROOT;

    @Test
    void helloAndBusyboxImagesCarryKilnsGlibcAndStartAsNonroot(@TempDir Path tmp) throws Exception {
        String repositories = System.getenv("KILN_CATALOG_REPOSITORIES");
        String keyring = System.getenv("KILN_CATALOG_KEYRING");
        Assumptions.assumeTrue(
                repositories != null && keyring != null,
                "KILN_CATALOG_REPOSITORIES and KILN_CATALOG_KEYRING name no built catalog (README, \"The catalog\")");
        Tools.require("umoci", "apt-get install umoci");
        Tools.require("bwrap", "apt-get install bubblewrap");
        // the configs' own ../../packages and key stand for the first repository and key; the rest are appended
        List<String> repos = List.of(repositories.split(File.pathSeparator));
        List<String> keys = List.of(keyring.split(File.pathSeparator));
        Path images = Files.createDirectories(tmp.resolve("tree/catalog/images"));
        Files.createSymbolicLink(
                tmp.resolve("tree/packages"), Path.of(repos.get(0)).toAbsolutePath());
        Files.createSymbolicLink(
                Files.createDirectories(tmp.resolve("tree/.kiln/keys")).resolve("kiln.rsa.pub"),
                Path.of(keys.get(0)).toAbsolutePath());
        List<String> appended = new ArrayList<>();
        repos.stream().skip(1).forEach(r -> appended.addAll(List.of("--repository", r)));
        keys.forEach(k -> appended.addAll(List.of("--keyring", k)));

        for (String name : List.of("hello", "busybox")) {
            Files.copy(ROOT.resolve("catalog/images/" + name + ".yaml"), images.resolve(name + ".yaml"));
            List<String> build = new ArrayList<>(List.of(
                    "image",
                    "build",
                    images.resolve(name + ".yaml").toString(),
                    name + ":latest",
                    tmp.resolve("out/" + name).toString()));
            build.addAll(appended);
            CliRun image = CliRun.of(build.toArray(String[]::new));
            assertThat(image.exitCode())
                    .as(name + ": " + image.out() + image.err())
                    .isZero();
            Run unpack = ExampleCatalogIT.run(
                    tmp, "umoci", "unpack", "--rootless", "--image", "out/" + name + ":" + name + ":latest", name);
            assertThat(unpack.exit()).as(unpack.out()).isZero();
            Path rootfs = tmp.resolve(name + "/rootfs");

            // glibc and the loader, though the config names neither
            assertThat(installed(rootfs)).as(name + "'s packages").contains(name, "glibc", "ld-linux");
            assertThat(rootfs.resolve("lib64/ld-linux-x86-64.so.2")).isRegularFile();
            assertThat(rootfs.resolve("usr/lib/libc.so.6")).isRegularFile();
        }

        Run hello = runAsNonroot(tmp, tmp.resolve("hello/rootfs"), "/usr/bin/hello");
        assertThat(hello.exit()).as(hello.out()).isZero();
        assertThat(hello.out()).isEqualTo("Hello, world!\n");
        // the entrypoint's shell, through the loader at its ABI path
        Run shell =
                runAsNonroot(tmp, tmp.resolve("busybox/rootfs"), "/bin/sh", "-c", "echo $(id -u):$(id -g); ls /lib64");
        assertThat(shell.exit()).as(shell.out()).isZero();
        assertThat(shell.out()).isEqualTo("65532:65532\nld-linux-x86-64.so.2\n");
    }

    /** The package names in the image's installed database. */
    private static List<String> installed(Path rootfs) throws Exception {
        try (Stream<String> lines = Files.lines(rootfs.resolve("usr/lib/apk/db/installed"))) {
            return lines.filter(l -> l.startsWith("P:"))
                    .map(l -> l.substring(2))
                    .toList();
        }
    }

    private static Run runAsNonroot(Path dir, Path rootfs, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                "bwrap", "--unshare-all", "--uid", "65532", "--gid", "65532", "--ro-bind", rootfs.toString(), "/"));
        cmd.add("--");
        cmd.addAll(List.of(command));
        return ExampleCatalogIT.run(dir, cmd.toArray(String[]::new));
    }
}
