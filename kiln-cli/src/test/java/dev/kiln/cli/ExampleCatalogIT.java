package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.apk.ApkReader;
import dev.kiln.testkit.SbomValidators;
import dev.kiln.testkit.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example catalog end to end: the example recipes built from the upstream hello, BusyBox,
 * tz database and CA certificate sources, then the example images built from that repository through the CLI, and the hello
 * image unpacked with umoci and run under bubblewrap as uid 65532.
 *
 * <p>The packages are read back and verified: signatures, checksums, and the hardening of the
 * binaries (static PIE with RELRO and BIND_NOW, until Kiln builds its own C library).
 */
class ExampleCatalogIT {
    static final Path ROOT = UpstreamExamples.ROOT;

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
    void buildsTheExampleImagesFromRealPackagesAndRunsHello(@TempDir Path tmp) throws Exception {
        UpstreamExamples.fetchUpstreamTarballs();
        Path sources = UpstreamExamples.sources;
        fetchStaticImageSources(sources);
        // The configs name ../../packages and ../../.kiln/keys: give them that layout in a scratch root,
        // kept under target/ so that bench/image-build.sh can measure image builds on these packages.
        Path catalog = ROOT.resolve("target/example-catalog");
        deleteTree(catalog);
        Path images = Files.createDirectories(catalog.resolve("examples/images"));
        for (String name : List.of("static", "hello", "busybox")) {
            Files.copy(ROOT.resolve("examples/images/" + name + ".yaml"), images.resolve(name + ".yaml"));
        }
        Path packages = catalog.resolve("packages");
        Path key = Files.createDirectories(catalog.resolve(".kiln/keys")).resolve("kiln.rsa");
        assertThat(CliRun.of("keygen", key.toString(), "--bits", "2048").exitCode())
                .isZero();

        List<String> tarballs;
        try (Stream<Path> s = Files.list(sources)) {
            tarballs = s.filter(p -> p.getFileName().toString().contains(".tar."))
                    .map(Path::toString)
                    .sorted()
                    .toList();
        }
        Path state = tmp.resolve("state");
        assertThat(CliRun.of(Stream.concat(
                                        Stream.of(
                                                "source",
                                                "import",
                                                "--cache-dir",
                                                state.resolve("cache").toString()),
                                        tarballs.stream())
                                .toArray(String[]::new))
                        .exitCode())
                .isZero();
        CliRun built = CliRun.of(
                "build",
                ROOT.resolve("examples/recipes/kiln-baselayout.yaml").toString(),
                ROOT.resolve("examples/recipes/hello.yaml").toString(),
                ROOT.resolve("examples/recipes/busybox.yaml").toString(),
                ROOT.resolve("examples/recipes/tzdata.yaml").toString(),
                ROOT.resolve("examples/recipes/ca-certificates.yaml").toString(),
                "--offline",
                "--state-dir",
                state.toString(),
                "--out-dir",
                packages.toString(),
                "--signing-key",
                key.toString(),
                "--json");
        assertThat(built.exitCode()).as(built.out() + built.err()).isZero();

        assertThat(built.out()).contains("\"hardeningPassed\":true").doesNotContain("\"hardeningPassed\":false");
        UpstreamExamples.verifyPackages(packages.resolve(Defaults.hostArch()), key.resolveSibling("kiln.rsa.pub"), tmp);
        // every package's own SBOM, made from the real recipes and tarballs, passes SPDX tools-java and the NTIA check
        try (Stream<Path> apks = Files.list(packages.resolve(Defaults.hostArch()))) {
            for (Path apk :
                    apks.filter(f -> f.toString().endsWith(".apk")).sorted().toList()) {
                var read = ApkReader.read(apk);
                String name = read.pkgInfo().name() + "-" + read.pkgInfo().version();
                SbomValidators.assertValidSpdx(read.readFile("var/lib/db/sbom/" + name + ".spdx.json")
                        .orElseThrow(() -> new AssertionError(apk + " has no SBOM")));
            }
        }

        String helloIndex = null;
        for (String name : List.of("static", "hello", "busybox")) {
            CliRun image = CliRun.of(
                    "image",
                    "build",
                    images.resolve(name + ".yaml").toString(),
                    name + ":latest",
                    tmp.resolve("out/" + name).toString(),
                    "--json");
            assertThat(image.exitCode())
                    .as(name + ": " + image.out() + image.err())
                    .isZero();
            Matcher m = Pattern.compile("\"index\":\"(sha256:[0-9a-f]{64})\"").matcher(image.out());
            assertThat(m.find()).isTrue();
            if (name.equals("hello")) {
                helloIndex = m.group(1);
            }
            // the image's SBOMs, named by the layout's entry, pass the external validators
            CliRun spdx = CliRun.of("image", "sbom", tmp.resolve("out/" + name).toString());
            assertThat(spdx.exitCode()).as(spdx.err()).isZero();
            SbomValidators.assertValidSpdx(spdx.out().getBytes(StandardCharsets.UTF_8));
            assertThat(spdx.out())
                    .contains("\"referenceLocator\" : \"pkg:oci/" + name + "@sha256:")
                    .contains("&tag=latest");
            CliRun cdx = CliRun.of("image", "sbom", tmp.resolve("out/" + name).toString(), "--format", "cyclonedx");
            assertThat(cdx.exitCode()).as(cdx.err()).isZero();
            SbomValidators.assertValidCycloneDx(cdx.out().getBytes(StandardCharsets.UTF_8));
            if (Tools.onPath("skopeo")) {
                Run inspect = run(tmp, "skopeo", "inspect", "oci:out/" + name + ":" + name + ":latest");
                assertThat(inspect.exit()).as(inspect.out()).isZero();
            }
        }
        CliRun again = CliRun.of(
                "image",
                "build",
                images.resolve("hello.yaml").toString(),
                "hello:latest",
                tmp.resolve("out/hello-again").toString(),
                "--json");
        assertThat(again.out()).as("same packages, same config: same index").contains(helloIndex);

        Tools.require("umoci", "apt-get install umoci");
        Tools.require("bwrap", "apt-get install bubblewrap");
        Run staticUnpack =
                run(tmp, "umoci", "unpack", "--rootless", "--image", "out/static:static:latest", "static-bundle");
        assertThat(staticUnpack.exit()).as(staticUnpack.out()).isZero();
        Path staticRoot = tmp.resolve("static-bundle/rootfs");
        String bundle = Files.readString(staticRoot.resolve("etc/ssl/certs/ca-certificates.crt"));
        long certificates = Pattern.compile("-----BEGIN CERTIFICATE-----")
                .matcher(bundle)
                .results()
                .count();
        assertThat(certificates)
                .as("certificates in the CA bundle")
                .isGreaterThan(100)
                .isEqualTo(Pattern.compile("-----END CERTIFICATE-----")
                        .matcher(bundle)
                        .results()
                        .count());
        for (String zone : List.of("UTC", "Europe/Paris", "America/New_York")) {
            byte[] tzif = Files.readAllBytes(staticRoot.resolve("usr/share/zoneinfo/" + zone));
            assertThat(new String(tzif, 0, 4, StandardCharsets.US_ASCII))
                    .as(zone)
                    .isEqualTo("TZif");
        }
        assertThat(staticRoot.resolve("usr/bin/hello")).doesNotExist();
        Run unpack = run(tmp, "umoci", "unpack", "--rootless", "--image", "out/hello:hello:latest", "hello-bundle");
        assertThat(unpack.exit()).as(unpack.out()).isZero();
        Path rootfs = tmp.resolve("hello-bundle/rootfs");
        assertThat(Files.readString(rootfs.resolve("etc/os-release"))).contains("ID=kiln");
        assertThat(Files.readString(rootfs.resolve("etc/passwd"))).contains("nonroot:x:65532:65532:");
        Run hello = run(
                tmp,
                "bwrap",
                "--unshare-all",
                "--uid",
                "65532",
                "--gid",
                "65532",
                "--ro-bind",
                rootfs.toString(),
                "/",
                "--",
                "/usr/bin/hello");
        assertThat(hello.exit()).as(hello.out()).isZero();
        assertThat(hello.out()).isEqualTo("Hello, world!\n");

        Run busyboxUnpack =
                run(tmp, "umoci", "unpack", "--rootless", "--image", "out/busybox:busybox:latest", "bb-bundle");
        assertThat(busyboxUnpack.exit()).as(busyboxUnpack.out()).isZero();
        Run id = run(
                tmp,
                "bwrap",
                "--unshare-all",
                "--uid",
                "65532",
                "--gid",
                "65532",
                "--ro-bind",
                tmp.resolve("bb-bundle/rootfs").toString(),
                "/",
                "--",
                "/usr/bin/busybox",
                "id",
                "-un");
        assertThat(id.exit()).as(id.out()).isZero();
        assertThat(id.out().trim()).isEqualTo("nonroot");
    }

    /**
     * The tz database (Debian's orig tarball is IANA's signed release) and Debian's native
     * ca-certificates source, next to the hello and BusyBox tarballs.
     */
    static void fetchStaticImageSources(Path sources) throws Exception {
        boolean present;
        try (Stream<Path> s = Files.list(sources)) {
            List<String> names = s.map(p -> p.getFileName().toString()).toList();
            present = names.stream().anyMatch(n -> n.startsWith("tzdata_") && n.contains(".orig.tar."))
                    && names.stream().anyMatch(n -> n.startsWith("ca-certificates_") && n.contains(".tar."));
        }
        if (!present) {
            Assumptions.assumeTrue(
                    "root".equals(System.getProperty("user.name")),
                    "fetching upstream tarballs through apt needs root; run ../shared/scripts/upstream-source tzdata ca-certificates -d target/upstream-sources");
            Process p = new ProcessBuilder(
                            "bash",
                            ROOT.resolve("../shared/scripts/upstream-source").toString(),
                            "tzdata",
                            "ca-certificates",
                            "-d",
                            sources.toString())
                    .inheritIO()
                    .start();
            assertThat(p.waitFor()).as("upstream-source exit code").isZero();
        }
    }

    static void deleteTree(Path dir) throws java.io.IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /*
     * A {@code host-libs} package with the host's copies of every {@code so:} library the built
     * packages depend on, plus the dynamic loader at its ELF interpreter path {@code /lib64}.
     */
}
