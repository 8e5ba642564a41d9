package dev.kiln.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.content.Digest;
import dev.kiln.testkit.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An independent verifier: the npm package {@code @sigstore/verify} checks Kiln's bundles offline
 * with the public key and an empty trusted root. npm installs it once into a cache directory.
 */
class SigstoreJsInteropIT {
    static final Path CACHE = Path.of(System.getProperty("java.io.tmpdir"), "kiln-sigstore-js");

    @TempDir
    Path tmp;

    @Test
    void sigstoreJsVerifiesMessageAndDsseBundles() throws Exception {
        Tools.require("npm", "apt-get install npm");
        Tools.require("node", "apt-get install nodejs");
        installVerifier();
        SigningKey key = SigningKey.generate(Fixtures.RANDOM);
        Path pub = tmp.resolve("key.pub");
        Files.writeString(pub, key.verificationKey().toPem());
        byte[] artifact = new SimpleSigning("registry.example/app", Digest.sha256(new byte[] {7}), null).toJson();
        Path artifactFile = tmp.resolve("payload.json");
        Files.write(artifactFile, artifact);

        Path message = tmp.resolve("message.bundle.json");
        Files.write(message, SigstoreBundle.signMessage(artifact, key).toJson());
        InTotoStatement statement = new InTotoStatement(
                List.of(new ResourceDescriptor(
                        "registry.example/app",
                        null,
                        Map.of("sha256", Digest.sha256(new byte[] {7}).hex()),
                        null,
                        null,
                        null)),
                PredicateTypes.SLSA_PROVENANCE_V1,
                Fixtures.provenance().predicate());
        Dsse.Envelope env = Dsse.sign(Dsse.IN_TOTO_PAYLOAD_TYPE, statement.toJson(), key);
        Path dsse = tmp.resolve("dsse.bundle.json");
        Files.write(dsse, SigstoreBundle.of(env, key.verificationKey()).toJson());
        // one flipped payload byte must be caught
        byte[] tamperedPayload = statement.toJson();
        tamperedPayload[tamperedPayload.length - 3] ^= 1;
        Path tampered = tmp.resolve("tampered.bundle.json");
        Files.write(
                tampered,
                SigstoreBundle.of(
                                new Dsse.Envelope(env.payloadType(), tamperedPayload, env.signatures()),
                                key.verificationKey())
                        .toJson());
        // and a bundle of another key, whose hint the verifier does not know
        Path otherKey = tmp.resolve("other.bundle.json");
        Files.write(
                otherKey,
                SigstoreBundle.signMessage(artifact, SigningKey.generate(Fixtures.RANDOM))
                        .toJson());

        // node resolves modules next to the script, so it runs from the cache directory
        Path script = CACHE.resolve("verify-bundles.js");
        try (InputStream in = getClass().getResourceAsStream("/interop/verify-bundles.js")) {
            Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> lines = run(
                List.of(
                        "node",
                        script.toString(),
                        pub.toString(),
                        artifactFile.toString(),
                        message.toString(),
                        dsse.toString(),
                        tampered.toString(),
                        otherKey.toString()),
                CACHE,
                120);
        assertThat(lines).contains("OK " + message, "OK " + dsse);
        assertThat(lines).anyMatch(l -> l.startsWith("FAIL " + tampered + ":") && l.contains("SIGNATURE_ERROR"));
        assertThat(lines).anyMatch(l -> l.startsWith("FAIL " + otherKey + ":") && l.contains("key not found"));
    }

    @Test
    void cosignKeyFormatAgreesWithAnIndependentImplementation() throws Exception {
        Tools.require("npm", "apt-get install npm");
        Tools.require("node", "apt-get install nodejs");
        installVerifier();
        Path script = CACHE.resolve("cosign-key.js");
        try (InputStream in = getClass().getResourceAsStream("/interop/cosign-key.js")) {
            Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        // Kiln writes, node (scrypt + tweetnacl) reads
        SigningKey key = SigningKey.generate(Fixtures.RANDOM);
        Path ours = tmp.resolve("kiln.key");
        key.write(ours, tmp.resolve("kiln.pub"), "pässword".toCharArray(), Fixtures.RANDOM);
        List<String> opened = run(List.of("node", script.toString(), "open", ours.toString(), "pässword"), CACHE, 120);
        assertThat(String.join("\n", opened) + "\n")
                .isEqualTo(key.verificationKey().toPem());
        // node writes, Kiln reads
        Path theirs = tmp.resolve("node.key");
        List<String> pub = run(List.of("node", script.toString(), "seal", theirs.toString(), "s3cret"), CACHE, 120);
        SigningKey read = SigningKey.read(theirs, "s3cret".toCharArray());
        assertThat(read.verificationKey()).isEqualTo(VerificationKey.fromPem(String.join("\n", pub), "node pub"));
    }

    private static void installVerifier() throws Exception {
        if (Files.isDirectory(CACHE.resolve("node_modules/@sigstore/verify"))
                && Files.isDirectory(CACHE.resolve("node_modules/tweetnacl"))) {
            return;
        }
        Files.createDirectories(CACHE);
        Files.writeString(
                CACHE.resolve("package.json"), "{\"name\":\"kiln-interop\",\"version\":\"1.0.0\",\"private\":true}");
        List<String> out = run(
                List.of(
                        "npm",
                        "install",
                        "--no-audit",
                        "--no-fund",
                        "@sigstore/verify@3",
                        "@sigstore/bundle",
                        "@sigstore/protobuf-specs",
                        "tweetnacl"),
                CACHE,
                300);
        assumeTrue(
                Files.isDirectory(CACHE.resolve("node_modules/@sigstore/verify"))
                        && Files.isDirectory(CACHE.resolve("node_modules/tweetnacl")),
                "npm could not install @sigstore/verify (no registry access?): " + out);
    }

    private static List<String> run(List<String> command, Path dir, int seconds)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        List<String> lines = new ArrayList<>();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        text.lines().forEach(lines::add);
        return lines;
    }
}
