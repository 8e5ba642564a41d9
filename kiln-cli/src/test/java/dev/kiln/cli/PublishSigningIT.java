package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.apk.ApkSigningKey;
import dev.kiln.content.Digest;
import dev.kiln.registry.RegistryConfig;
import dev.kiln.registry.RegistryServer;
import dev.kiln.testkit.SbomValidators;
import dev.kiln.testkit.TestPackages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln image publish --sign-key}: the pushed image verifies, with its SBOM and provenance attested. */
class PublishSigningIT {
    @TempDir
    Path tmp;

    @Test
    void publishSignsAndAttestsEveryPushedImage() throws Exception {
        ApkSigningKey apkKey = ApkSigningKey.generate(2048, "cli-test.rsa");
        Path repo = tmp.resolve("repo");
        TestPackages.publish(
                repo,
                "x86_64",
                apkKey,
                List.of(
                        TestPackages.apk("kiln-baselayout", "1.0-r0")
                                .builddate(1_700_000_000L)
                                .file("etc/os-release", "ID=kiln\n", 0644),
                        TestPackages.apk("hello", "2.12-r0")
                                .builddate(1_700_000_000L)
                                .file("usr/bin/hello", "h", 0755)));
        Path keyring = tmp.resolve("cli-test.rsa.pub");
        Files.writeString(keyring, apkKey.publicKeyPem());
        Path config = tmp.resolve("hello.yaml");
        Files.writeString(config, """
                contents:
                  packages: [kiln-baselayout, hello]
                entrypoint:
                  command: /usr/bin/hello
                archs: [amd64]
                """);
        Path pass = tmp.resolve("pass");
        Files.writeString(pass, "s3cret\n");
        Path key = tmp.resolve("image.key");
        Path pub = tmp.resolve("image.pub");
        assertThat(CliRun.of("keygen", "--type", "image", key.toString(), "--passphrase-file", pass.toString())
                        .exitCode())
                .isZero();

        try (RegistryServer server = new RegistryServer(
                        RegistryConfig.builder(tmp.resolve("registry")).build())
                .start()) {
            CliRun publish = CliRun.of(
                    "image",
                    "publish",
                    config.toString(),
                    server.address() + "/apps/hello:1",
                    "--repository",
                    repo.toString(),
                    "--keyring",
                    keyring.toString(),
                    "--sign-key",
                    key.toString(),
                    "--passphrase-file",
                    pass.toString());
            assertThat(publish.exitCode()).as(publish.err()).isZero();
            String digestRef = publish.out().strip();
            assertThat(digestRef).matches(Pattern.quote(server.address()) + "/apps/hello@sha256:[0-9a-f]{64}");
            String digest = digestRef.substring(digestRef.indexOf('@') + 1);
            assertThat(publish.err())
                    .contains("signature of " + digest + " stored as tag sha256-")
                    .contains("attestation https://spdx.dev/Document of " + digest)
                    .contains("attestation https://slsa.dev/provenance/v1 of " + digest);

            CliRun verify = CliRun.of("verify", digestRef, "--key", pub.toString());
            assertThat(verify.exitCode()).as(verify.err()).isZero();
            // named by digest, the summary carries the digest once
            assertThat(verify.out().strip()).isEqualTo("verified " + digestRef + ": 2 signature(s), 4 attestation(s)");
            CliRun byTag = CliRun.of("verify", server.address() + "/apps/hello:1", "--key", pub.toString());
            assertThat(byTag.exitCode()).as(byTag.err()).isZero();
            assertThat(byTag.out()).contains("verified " + server.address() + "/apps/hello:1@" + digest + ": ");

            CliRun attestations = CliRun.of(
                    "verify-attestation",
                    digestRef,
                    "--key",
                    pub.toString(),
                    "--type",
                    "spdx,slsaprovenance",
                    "--require-signature");
            assertThat(attestations.exitCode()).as(attestations.err()).isZero();

            CliRun provenance = CliRun.of("download", "provenance", digestRef, "--key", pub.toString());
            assertThat(provenance.exitCode()).as(provenance.err()).isZero();
            for (String apk : List.of("kiln-baselayout-1.0-r0.apk", "hello-2.12-r0.apk")) {
                assertThat(provenance.out())
                        .contains(Digest.sha256(repo.resolve("x86_64").resolve(apk))
                                .hex());
            }
            assertThat(provenance.out())
                    .contains("pkg:apk/kiln/hello@2.12-r0?arch=x86_64")
                    .contains(Digest.sha256(config).hex());

            // the attested SBOM passes SPDX tools-java and carries the NTIA minimum elements
            CliRun sbom = CliRun.of("download", "sbom", digestRef, "--key", pub.toString());
            assertThat(sbom.exitCode()).as(sbom.err()).isZero();
            SbomValidators.assertValidSpdx(sbom.out().getBytes(StandardCharsets.UTF_8));

            CliRun other = CliRun.of("verify", digestRef, "--key", keyring.toString());
            assertThat(other.exitCode()).isNotZero();
        }
    }
}
