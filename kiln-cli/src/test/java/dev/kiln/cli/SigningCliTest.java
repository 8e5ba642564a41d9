package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.attest.SignatureStore;
import dev.kiln.content.Digest;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Manifest;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.OciLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keygen, sign, attest, verify, verify-attestation and download against an OCI layout, offline. */
class SigningCliTest {
    @TempDir
    Path tmp;

    @Test
    void offlineSignAttestVerifyDownload() throws Exception {
        Path layout = tmp.resolve("image");
        SignatureStore store = SignatureStore.layout(new OciLayout(layout), "image");
        byte[] layer = "layer".getBytes(StandardCharsets.UTF_8);
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
        store.putBlob(layer);
        store.putBlob(config);
        Manifest m = Manifest.of(
                Descriptor.of(MediaTypes.OCI_CONFIG, config),
                List.of(Descriptor.of(MediaTypes.OCI_LAYER, layer)),
                Map.of());
        Digest image = store.putManifest(m.mediaType(), m.toJson(), "latest");

        Path pass = tmp.resolve("pass");
        Files.writeString(pass, "correct horse\n");
        Path key = tmp.resolve("image.key");
        CliRun keygen = CliRun.of("keygen", "--type", "image", key.toString(), "--passphrase-file", pass.toString());
        assertThat(keygen.exitCode()).as(keygen.err()).isZero();
        assertThat(Files.readString(key)).startsWith("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----");
        Path pub = tmp.resolve("image.pub");
        assertThat(pub).exists();

        CliRun sign = CliRun.of(
                "sign", layout.toString(), "--key", key.toString(), "--passphrase-file", pass.toString(), "--offline");
        assertThat(sign.exitCode()).as(sign.err()).isZero();
        assertThat(sign.out())
                .contains("signature of " + image + " stored as tag sha256-" + image.hex() + ".sig")
                .contains("stored as referrer sha256:");

        Path provenance = tmp.resolve("provenance.json");
        Files.writeString(
                provenance,
                "{\"buildDefinition\":{\"buildType\":\"https://kiln.dev/buildtypes/image/v1\","
                        + "\"externalParameters\":{},\"resolvedDependencies\":[]},\"runDetails\":{\"builder\":{\"id\":\"https://kiln.dev/builders/local/v1\"}}}");
        CliRun attest = CliRun.of(
                "attest",
                layout.toString(),
                "--key",
                key.toString(),
                "--passphrase-file",
                pass.toString(),
                "--predicate",
                provenance.toString(),
                "--type",
                "slsaprovenance",
                "--json");
        assertThat(attest.exitCode()).as(attest.err()).isZero();
        assertThat(attest.out()).contains("\"predicateType\":\"https://slsa.dev/provenance/v1\"");

        CliRun verify = CliRun.of("verify", layout.toString(), "--key", pub.toString(), "--offline");
        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(verify.out()).contains("verified image:latest@" + image + ": 2 signature(s), 2 attestation(s)");
        assertThat(verify.err())
                .contains("  ok   signature tag sha256-" + image.hex() + ".sig layer 0")
                .contains("  ok   blob image manifest " + image);

        CliRun needsSbom = CliRun.of(
                "verify-attestation", layout.toString(), "--key", pub.toString(), "--type", "slsaprovenance,spdx");
        assertThat(needsSbom.exitCode()).isEqualTo(1);
        assertThat(needsSbom.err()).contains("no attestation of type https://spdx.dev/Document for " + image);
        CliRun provenanceOnly =
                CliRun.of("verify-attestation", layout.toString(), "--key", pub.toString(), "--type", "slsaprovenance");
        assertThat(provenanceOnly.exitCode()).as(provenanceOnly.err()).isZero();

        CliRun download = CliRun.of("download", "provenance", layout.toString(), "--key", pub.toString());
        assertThat(download.exitCode()).as(download.err()).isZero();
        assertThat(download.out().strip()).isEqualTo(Files.readString(provenance));

        Path otherKey = tmp.resolve("other.key");
        assertThat(CliRun.of("keygen", "--type", "image", otherKey.toString(), "--passphrase-file", pass.toString())
                        .exitCode())
                .isZero();
        CliRun wrong = CliRun.of(
                "verify", layout.toString(), "--key", tmp.resolve("other.pub").toString());
        assertThat(wrong.exitCode()).isEqualTo(1);
        assertThat(wrong.err())
                .contains("  FAIL signature tag sha256-" + image.hex() + ".sig layer 0")
                .contains("kiln: verify image:latest@" + image + ": no signature of " + image + " verifies with");
        assertThat(CliRun.of(
                                "download",
                                "sbom",
                                layout.toString(),
                                "--key",
                                tmp.resolve("other.pub").toString())
                        .exitCode())
                .isEqualTo(1);

        // a second signer: the strict default fails on the entry --key cannot verify, cosign's policy passes over it
        CliRun countersign = CliRun.of(
                "sign",
                layout.toString(),
                "--key",
                otherKey.toString(),
                "--passphrase-file",
                pass.toString(),
                "--offline");
        assertThat(countersign.exitCode()).as(countersign.err()).isZero();
        CliRun strict = CliRun.of("verify", layout.toString(), "--key", pub.toString());
        assertThat(strict.exitCode()).isEqualTo(1);
        assertThat(strict.err()).contains("  FAIL signature tag sha256-" + image.hex() + ".sig layer 1");
        CliRun lenient = CliRun.of("verify", layout.toString(), "--key", pub.toString(), "--allow-other-signers");
        assertThat(lenient.exitCode()).as(lenient.err()).isZero();
        assertThat(lenient.err()).contains("  skip signature tag sha256-" + image.hex() + ".sig layer 1");
        assertThat(lenient.out()).contains("verified image:latest@" + image);

        CliRun offline = CliRun.of("verify", "registry.example/app:1", "--key", pub.toString(), "--offline");
        assertThat(offline.exitCode()).isEqualTo(2);
        assertThat(offline.err()).contains("--offline needs IMAGE to be an OCI layout directory");
    }
}
