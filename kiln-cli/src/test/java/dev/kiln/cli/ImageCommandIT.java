package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.apk.ApkSigningKey;
import dev.kiln.content.FileTrees;
import dev.kiln.testkit.SbomValidators;
import dev.kiln.testkit.TestPackages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageCommandIT {
    @TempDir
    Path tmp;

    @Test
    void buildLockAndSbom() throws Exception {
        ApkSigningKey key = ApkSigningKey.generate(2048, "cli-test.rsa");
        Path repo = tmp.resolve("repo");
        TestPackages.publish(
                repo,
                "x86_64",
                key,
                List.of(
                        TestPackages.apk("kiln-baselayout", "1.0-r0")
                                .builddate(1_700_000_000L)
                                .file("etc/os-release", "ID=kiln\nVERSION_ID=\"2025\"\n", 0644),
                        TestPackages.apk("hello", "2.12-r0")
                                .builddate(1_700_000_000L)
                                .file("usr/bin/hello", "h", 0755)));
        Path pub = tmp.resolve("cli-test.rsa.pub");
        Files.writeString(pub, key.publicKeyPem());
        Path config = tmp.resolve("hello.yaml");
        Files.writeString(config, """
                contents:
                  packages: [kiln-baselayout, hello]
                entrypoint:
                  command: /usr/bin/hello
                archs: [amd64]
                """);

        CliRun build = CliRun.of(
                "image",
                "build",
                config.toString(),
                "hello:latest",
                tmp.resolve("out").toString(),
                "--repository",
                repo.toString(),
                "--keyring",
                pub.toString(),
                "--json");
        assertThat(build.exitCode()).as(build.err()).isZero();
        assertThat(build.out()).contains("\"event\":\"built\"").contains("\"format\":\"oci-layout\"");
        CliRun archive = CliRun.of(
                "image",
                "build",
                config.toString(),
                "hello:latest",
                tmp.resolve("d.tar").toString(),
                "--repository",
                repo.toString(),
                "--keyring",
                pub.toString(),
                "--format",
                "docker-archive");
        assertThat(archive.exitCode()).as(archive.err()).isZero();

        CliRun lock = CliRun.of(
                "image", "lock", config.toString(), "--repository", repo.toString(), "--keyring", pub.toString());
        assertThat(lock.exitCode()).as(lock.err()).isZero();
        assertThat(lock.out())
                .contains("\"name\" : \"hello\"")
                .contains("\"version\" : \"2.12-r0\"")
                .contains("\"checksum\" : \"sha256-");

        Path lockFile = tmp.resolve("hello.lock.json");
        assertThat(CliRun.of(
                                "image",
                                "lock",
                                config.toString(),
                                "--repository",
                                repo.toString(),
                                "--keyring",
                                pub.toString(),
                                "-o",
                                lockFile.toString())
                        .exitCode())
                .isZero();
        CliRun locked = CliRun.of(
                "image",
                "build",
                config.toString(),
                "hello:latest",
                tmp.resolve("locked").toString(),
                "--repository",
                repo.toString(),
                "--keyring",
                pub.toString(),
                "--lockfile",
                lockFile.toString(),
                "--json");
        assertThat(locked.exitCode()).as(locked.err()).isZero();
        java.util.regex.Matcher index = java.util.regex.Pattern.compile("\"index\":\"(sha256:[0-9a-f]{64})\"")
                .matcher(build.out());
        assertThat(index.find()).isTrue();
        assertThat(locked.out()).contains(index.group(1));
        Files.writeString(lockFile, Files.readString(lockFile).replace("2.12-r0", "2.13-r0"));
        CliRun stale = CliRun.of(
                "image",
                "build",
                config.toString(),
                "hello:latest",
                tmp.resolve("stale").toString(),
                "--repository",
                repo.toString(),
                "--keyring",
                pub.toString(),
                "--lockfile",
                lockFile.toString());
        assertThat(stale.exitCode()).isNotZero();
        assertThat(stale.err()).contains("hello-2.13-r0 (x86_64) is in no repository");
        assertThat(tmp.resolve("stale")).doesNotExist();

        CliRun sbom = CliRun.of("image", "sbom", tmp.resolve("out").toString(), "--ref", "hello:latest");
        assertThat(sbom.exitCode()).as(sbom.err()).isZero();
        assertThat(sbom.out()).contains("\"spdxVersion\" : \"SPDX-2.3\"").contains("pkg:apk/kiln/hello@2.12-r0");
        SbomValidators.assertValidSpdx(sbom.out().getBytes(StandardCharsets.UTF_8));
        CliRun cdx = CliRun.of("image", "sbom", tmp.resolve("d.tar").toString(), "--format", "cyclonedx");
        assertThat(cdx.exitCode()).as(cdx.err()).isZero();
        assertThat(cdx.out()).contains("\"specVersion\" : \"1.6\"");
        SbomValidators.assertValidCycloneDx(cdx.out().getBytes(StandardCharsets.UTF_8));
        // named by the archive's RepoTags and dated by the image config, not by the file or 1970
        assertThat(cdx.out())
                .contains("\"name\" : \"hello:latest\"")
                .contains("\"timestamp\" : \"2023-11-14T22:13:20Z\"");

        // without --ref, a layout (here copied to a folder of another name) is named by its entry's ref.name
        Path copy = tmp.resolve("bb");
        FileTrees.copy(tmp.resolve("out"), copy);
        CliRun named = CliRun.of("image", "sbom", copy.toString());
        assertThat(named.exitCode()).as(named.err()).isZero();
        assertThat(named.out())
                .isEqualTo(sbom.out())
                .contains("\"name\" : \"hello:latest\"")
                .contains("\"referenceLocator\" : \"pkg:oci/hello@sha256:")
                .doesNotContain("pkg:oci/bb@");

        CliRun bad = CliRun.of(
                "image",
                "build",
                config.toString(),
                "hello:latest",
                tmp.resolve("x").toString(),
                "--repository",
                repo.toString());
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.err()).contains("no trusted keys");
        assertThat(tmp.resolve("x")).doesNotExist();
    }

    @Test
    void publishPushesOnceAndPrintsDigestReferences() throws Exception {
        ApkSigningKey key = ApkSigningKey.generate(2048, "cli-test.rsa");
        Path repo = tmp.resolve("repo");
        TestPackages.publish(
                repo,
                "x86_64",
                key,
                List.of(TestPackages.apk("hello", "2.12-r0")
                        .builddate(1_700_000_000L)
                        .file("usr/bin/hello", "h", 0755)));
        Path pub = tmp.resolve("cli-test.rsa.pub");
        Files.writeString(pub, key.publicKeyPem());
        Path config = tmp.resolve("hello.yaml");
        Files.writeString(config, """
                contents:
                  packages: [hello]
                entrypoint:
                  command: /usr/bin/hello
                archs: [amd64]
                """);
        try (var server = new dev.kiln.registry.RegistryServer(
                        dev.kiln.registry.RegistryConfig.builder(tmp.resolve("registry"))
                                .build())
                .start()) {
            String ref = server.address() + "/apps/hello:1";
            CliRun first = CliRun.of(
                    "image",
                    "publish",
                    config.toString(),
                    ref,
                    server.address() + "/apps/hello:latest",
                    "--repository",
                    repo.toString(),
                    "--keyring",
                    pub.toString());
            assertThat(first.exitCode()).as(first.err()).isZero();
            assertThat(first.out().trim())
                    .matches(java.util.regex.Pattern.quote(server.address()) + "/apps/hello@sha256:[0-9a-f]{64}");
            assertThat(first.err()).contains("pushed 2 reference(s)");
            CliRun again = CliRun.of(
                    "image",
                    "publish",
                    config.toString(),
                    ref,
                    "--repository",
                    repo.toString(),
                    "--keyring",
                    pub.toString(),
                    "--json");
            assertThat(again.exitCode()).as(again.err()).isZero();
            assertThat(again.out())
                    .contains("\"event\":\"published\"")
                    .contains("\"changed\":false")
                    .contains(first.out().trim());
        }
    }

    @Test
    void publishWithVersionTagsPushesTheTagPlan() throws Exception {
        ApkSigningKey key = ApkSigningKey.generate(2048, "cli-test.rsa");
        Path repo = tmp.resolve("repo");
        TestPackages.publish(
                repo,
                "x86_64",
                key,
                List.of(TestPackages.apk("hello", "2.12-r3")
                        .builddate(1_700_000_000L)
                        .file("usr/bin/hello", "h", 0755)));
        Path pub = tmp.resolve("cli-test.rsa.pub");
        Files.writeString(pub, key.publicKeyPem());
        Path config = tmp.resolve("hello.yaml");
        Files.writeString(
                config,
                "contents:\n  packages: [hello]\nannotations:\n  dev.kiln.package.main: hello\narchs: [amd64]\n");
        try (var server = new dev.kiln.registry.RegistryServer(
                        dev.kiln.registry.RegistryConfig.builder(tmp.resolve("registry"))
                                .build())
                .start()) {
            CliRun run = CliRun.of(
                    "image",
                    "publish",
                    config.toString(),
                    server.address() + "/apps/hello",
                    "--version-tags",
                    "--dev",
                    "--repository",
                    repo.toString(),
                    "--keyring",
                    pub.toString());
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.err())
                    .contains("tags: latest-dev, 2-dev, 2.12-dev, 2.12-r3-dev")
                    .contains("pushed 4 reference(s)");
        }
    }
}
