package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.kiln.content.Digest;
import dev.kiln.registry.RegistryConfig;
import dev.kiln.registry.RegistryServer;
import dev.kiln.testkit.CProject;
import dev.kiln.testkit.FixtureHttpServer;
import dev.kiln.testkit.Tarballs;
import dev.kiln.testkit.TestPackages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's provenance proof, on a fixture upstream served from 127.0.0.1 to keep CI fast: a
 * package built from a release tarball with a signed package provenance, an image of it
 * published and signed, and the image's verified SLSA provenance traces back to the tarball
 * (URI and sha256), the recipe, and every package in the image, and is a valid statement.
 */
class ImageProvenanceProofIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ROOT =
            Path.of(System.getProperty("kiln.repo.root", "..")).toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void imageProvenanceNamesUpstreamTarballRecipeAndEveryPackage() throws Exception {
        try (FixtureHttpServer upstream = new FixtureHttpServer()) {
            byte[] tarball = Tarballs.targz("greet-1.2.3", CProject.files("1.2.3", "Hello, provenance"));
            String tarballUrl = upstream.put("/releases/greet-1.2.3.tar.gz", tarball);
            String tarballSha256 = Digest.sha256(tarball).hex();
            Path recipe = Files.createDirectories(tmp.resolve("recipes")).resolve("greet.yaml");
            Files.writeString(recipe, """
                    package:
                      name: greet
                      version: "1.2.3"
                      epoch: 0
                      description: "greets"
                      copyright:
                        - license: MIT
                    pipeline:
                      - uses: fetch
                        with:
                          uri: %s
                          expected-sha256: %s
                      - uses: autoconf/make
                      - uses: autoconf/make-install
                      - uses: strip
                    """.formatted(tarballUrl, tarballSha256));
            Path pass = tmp.resolve("pass");
            Files.writeString(pass, "proof\n");
            Path imageKey = tmp.resolve("image.key");
            Path imagePub = tmp.resolve("image.pub");
            assertThat(CliRun.of("keygen", "--type", "image", imageKey.toString(), "--passphrase-file", pass.toString())
                            .exitCode())
                    .isZero();

            Path packages = tmp.resolve("packages");
            Path state = tmp.resolve("state");
            CliRun build = CliRun.of(
                    "build",
                    recipe.toString(),
                    "--arch",
                    "x86_64",
                    "--out-dir",
                    packages.toString(),
                    "--state-dir",
                    state.toString(),
                    "--source-date-epoch",
                    "1700000000",
                    "--attest-key",
                    imageKey.toString(),
                    "--passphrase-file",
                    pass.toString());
            assertThat(build.exitCode()).as(build.out() + build.err()).isZero();
            Path packageProvenance = packages.resolve("x86_64/greet-1.2.3-r0.attest.json");
            assertThat(JSON.readTree(packageProvenance.toFile())
                            .path("payloadType")
                            .asText())
                    .isEqualTo("application/vnd.in-toto+json");

            // the C library the program links against, from a second repository with its own key
            dev.kiln.apk.ApkSigningKey libcKey = dev.kiln.apk.ApkSigningKey.generate(2048, "libc.rsa");
            Path libcRepo = tmp.resolve("libc-repo");
            TestPackages.publish(
                    libcRepo,
                    "x86_64",
                    libcKey,
                    List.of(TestPackages.apk("glibc", "2.41-r0")
                            .builddate(1_700_000_000L)
                            .provides("so:libc.so.6=6", "so:ld-linux-x86-64.so.2=2")
                            .file("usr/lib/libc.so.6", "libc", 0755)));
            Path libcPub = tmp.resolve("libc.rsa.pub");
            Files.writeString(libcPub, libcKey.publicKeyPem());

            Path config = tmp.resolve("greet-image.yaml");
            Files.writeString(config, """
                    contents:
                      packages: [greet]
                    entrypoint:
                      command: /usr/bin/greet
                    archs: [x86_64]
                    """);
            try (RegistryServer server = new RegistryServer(
                            RegistryConfig.builder(tmp.resolve("registry")).build())
                    .start()) {
                CliRun publish = CliRun.of(
                        "image",
                        "publish",
                        config.toString(),
                        server.address() + "/kiln/greet:latest",
                        "--repository",
                        packages.toString(),
                        "--repository",
                        libcRepo.toString(),
                        "--keyring",
                        state.resolve("keys/kiln.rsa.pub").toString(),
                        "--keyring",
                        libcPub.toString(),
                        "--sign-key",
                        imageKey.toString(),
                        "--passphrase-file",
                        pass.toString());
                assertThat(publish.exitCode()).as(publish.err()).isZero();
                String digestRef = publish.out().strip();

                CliRun verify = CliRun.of(
                        "verify-attestation",
                        digestRef,
                        "--key",
                        imagePub.toString(),
                        "--type",
                        "slsaprovenance,spdx",
                        "--require-signature");
                assertThat(verify.exitCode()).as(verify.err()).isZero();
                CliRun download = CliRun.of("download", "provenance", digestRef, "--key", imagePub.toString());
                assertThat(download.exitCode()).as(download.err()).isZero();
                JsonNode predicate = JSON.readTree(download.out());
                JsonNode deps = predicate.at("/buildDefinition/resolvedDependencies");

                assertThat(find(deps, tarballUrl))
                        .as("upstream tarball in " + deps)
                        .isNotNull();
                assertThat(find(deps, tarballUrl).at("/digest/sha256").asText()).isEqualTo(tarballSha256);
                // the recipe, by the digest of its compiled form that the package itself embeds
                JsonNode recipeDep = find(deps, "greet.yaml");
                assertThat(recipeDep).as("recipe in " + deps).isNotNull();
                assertThat(recipeDep.path("name").asText()).isEqualTo("recipe:greet");
                assertThat(recipeDep.at("/annotations/role").asText()).isEqualTo("recipe");
                byte[] embedded = dev.kiln.apk.ApkReader.read(packages.resolve("x86_64/greet-1.2.3-r0.apk"))
                        .controlFiles()
                        .get(".melange.yaml");
                assertThat(recipeDep.at("/digest/sha256").asText())
                        .isEqualTo(Digest.sha256(embedded).hex());
                for (Path apk : List.of(
                        packages.resolve("x86_64/greet-1.2.3-r0.apk"), libcRepo.resolve("x86_64/glibc-2.41-r0.apk"))) {
                    List<String> digests = deps.findValuesAsText("sha256");
                    assertThat(digests)
                            .as(apk.getFileName().toString())
                            .contains(Digest.sha256(apk).hex());
                }
                assertThat(predicate
                                .at("/buildDefinition/externalParameters/config/digest/sha256")
                                .asText())
                        .isEqualTo(Digest.sha256(config).hex());

                // the statement as stored (not just its predicate) validates against the in-toto/SLSA schema
                byte[] statement = provenanceStatement(digestRef, imagePub);
                assertThat(validate(statement)).isEmpty();
                String broken = new String(statement, StandardCharsets.UTF_8).replace(tarballSha256, "not-hex");
                assertThat(validate(broken.getBytes(StandardCharsets.UTF_8)))
                        .as("the schema can fail")
                        .isNotEmpty();
            }
        }
    }

    private static JsonNode find(JsonNode deps, String uri) {
        for (JsonNode d : deps) {
            if (uri.equals(d.path("uri").asText())) {
                return d;
            }
        }
        return null;
    }

    /** The verified in-toto statement of the SLSA attestation, as the verifier read it. */
    private static byte[] provenanceStatement(String digestRef, Path pub) {
        var ref = dev.kiln.oci.ImageReference.parse(digestRef);
        var client = new dev.kiln.oci.distribution.RegistryClient(java.net.http.HttpClient.newHttpClient(), null);
        var report = dev.kiln.attest.ImageVerifier.verify(
                dev.kiln.attest.SignatureStore.registry(client, ref),
                ref.identifier(),
                dev.kiln.attest.VerificationPolicy.signedBy(dev.kiln.attest.VerificationKey.read(pub)));
        assertThat(report.failures()).isEmpty();
        List<byte[]> statements = new ArrayList<>();
        report.attestations(dev.kiln.attest.PredicateTypes.SLSA_PROVENANCE_V1)
                .forEach(a -> statements.add(a.statement()));
        assertThat(statements).isNotEmpty();
        return statements.get(0);
    }

    private static java.util.Set<com.networknt.schema.ValidationMessage> validate(byte[] json) throws Exception {
        Path schema = ROOT.resolve("kiln-attest/src/test/resources/schemas/slsa-provenance-v1-statement.json");
        try (var in = Files.newInputStream(schema)) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(in)
                    .validate(JSON.readTree(json));
        }
    }
}
