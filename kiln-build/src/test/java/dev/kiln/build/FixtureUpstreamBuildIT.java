package dev.kiln.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.apk.ApkIndex;
import dev.kiln.apk.ApkPackage;
import dev.kiln.apk.ApkReader;
import dev.kiln.apk.IndexEntry;
import dev.kiln.apk.TrustedKeys;
import dev.kiln.attest.Dsse;
import dev.kiln.attest.InTotoStatement;
import dev.kiln.attest.SigningKey;
import dev.kiln.content.Digest;
import dev.kiln.testkit.CProject;
import dev.kiln.testkit.FixtureHttpServer;
import dev.kiln.testkit.SbomValidators;
import dev.kiln.testkit.Tarballs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds a small C project served as a release tarball from 127.0.0.1, with a local patch,
 * a -dev subpackage and a test, in the real sandbox; then reads the packages back.
 */
class FixtureUpstreamBuildIT {
    static FixtureHttpServer upstream;
    static String tarballUrl;
    static String tarballSha256;

    @BeforeAll
    static void serveUpstream() throws Exception {
        upstream = new FixtureHttpServer();
        byte[] tarball = Tarballs.targz("greet-1.2.3", CProject.files("1.2.3", "Hello, fixture"));
        tarballUrl = upstream.put("/releases/greet-1.2.3.tar.gz", tarball);
        tarballSha256 = Digest.sha256(tarball).hex();
    }

    @AfterAll
    static void stop() {
        upstream.close();
    }

    static String recipe(String sha256, String extraStep) {
        return """
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
                  - uses: patch
                    with:
                      patches: fix-greeting.patch
                %s  - uses: autoconf/make
                  - uses: autoconf/make-install
                  - uses: strip
                subpackages:
                  - name: greet-dev
                    description: "headers"
                    pipeline:
                      - uses: split/dev
                test:
                  pipeline:
                    - runs: |
                        greet | grep -x "Hello, patched"
                """.formatted(tarballUrl, sha256, extraStep);
    }

    BuildFixture fixture(Path dir, String recipeText, boolean withPatch) throws Exception {
        BuildFixture f = new BuildFixture(dir);
        f.writeRecipe("greet", recipeText);
        if (withPatch) {
            f.writeSourceFile(
                    "greet", "fix-greeting.patch", CProject.greetingPatch("Hello, fixture", "Hello, patched"));
        }
        return f;
    }

    static Path greetRecipe(BuildFixture f) {
        return f.root.resolve("recipes/greet.yaml");
    }

    /** A repository that already holds greet built from the good recipe, and its files' digests. */
    record Published(BuildFixture fixture, Map<String, String> snapshot) {
        void assertUnchanged() throws Exception {
            assertThat(BuildFixture.snapshot(fixture.repository)).isEqualTo(snapshot);
        }
    }

    Published published(Path dir) throws Exception {
        BuildFixture f = fixture(dir, recipe(tarballSha256, ""), true);
        f.build(greetRecipe(f));
        return new Published(f, BuildFixture.snapshot(f.repository));
    }

    @Test
    void buildsSplitsDetectsSignsAndIsReproducible(@TempDir Path dir) throws Exception {
        BuildFixture f = fixture(dir, recipe(tarballSha256, ""), true);
        Path recipe = greetRecipe(f);

        BuildResult first = f.build(recipe);

        assertThat(first.packages()).extracting(BuiltPackage::name).containsExactly("greet", "greet-dev");
        TrustedKeys keys = TrustedKeys.of(Map.of(BuildFixture.KEY.publicKeyName(), BuildFixture.KEY.publicKey()));
        Path archDir = f.repository.resolve(BuildFixture.ARCH);

        ApkPackage main = ApkReader.read(archDir.resolve("greet-1.2.3-r0.apk"));
        main.verify(keys);
        assertThat(main.pkgInfo().depends()).contains("so:libc.so.6").doesNotContain("so:libgreet.so.1");
        assertThat(main.pkgInfo().provides()).contains("cmd:greet=1.2.3-r0", "so:libgreet.so.1=1");
        assertThat(main.pkgInfo().origin()).isEqualTo("greet");
        assertThat(main.controlFiles()).containsKey(".melange.yaml");
        assertThat(main.entries())
                .extracting(e -> e.path())
                .contains("usr/bin/greet", "usr/lib/libgreet.so.1", "var/lib/db/sbom/greet-1.2.3-r0.spdx.json")
                .doesNotContain("usr/include/greet.h", "usr/lib/libgreet.so");
        assertThat(main.entries()).allSatisfy(e -> assertThat(e.uid()).isZero());
        // the package's own SBOM passes SPDX tools-java and names the recipe by its file, not by where it lies here
        byte[] sbom = main.readFile("var/lib/db/sbom/greet-1.2.3-r0.spdx.json").orElseThrow();
        SbomValidators.assertValidSpdx(sbom);
        com.fasterxml.jackson.databind.JsonNode sbomDoc =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(sbom);
        assertThat(sbomDoc.at("/creationInfo/creators/0").asText()).isEqualTo("Tool: kiln-0.1.0");
        assertThat(sbomDoc.at("/packages/2/name").asText()).isEqualTo("greet.yaml");

        ApkPackage dev = ApkReader.read(archDir.resolve("greet-dev-1.2.3-r0.apk"));
        dev.verify(keys);
        assertThat(dev.entries())
                .extracting(e -> e.path())
                .contains("usr/include/greet.h", "usr/lib/libgreet.so", "usr/lib/pkgconfig/greet.pc");
        assertThat(dev.pkgInfo().provides()).contains("pc:greet=1.2.3-r0");

        ApkIndex index = ApkIndex.read(archDir.resolve("APKINDEX.tar.gz"), keys);
        assertThat(index.entries()).extracting(IndexEntry::name).containsExactly("greet", "greet-dev");
        assertThat(first.packages().get(0).hardeningPassed()).isTrue();

        // Provenance beside each apk: an in-toto statement about its bytes, naming the upstream tarball.
        com.fasterxml.jackson.databind.JsonNode provenance = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(archDir.resolve("greet-1.2.3-r0.attest.json").toFile());
        assertThat(provenance.path("_type").asText()).isEqualTo("https://in-toto.io/Statement/v1");
        assertThat(provenance.at("/subject/0/digest/sha256").asText())
                .isEqualTo(first.packages().get(0).sha256());
        assertThat(provenance.path("predicateType").asText()).isEqualTo("https://slsa.dev/provenance/v1");
        assertThat(provenance.at("/predicate/buildDefinition/buildType").asText())
                .isEqualTo("https://kiln.dev/buildtypes/package/v1");
        assertThat(provenance
                        .at("/predicate/buildDefinition/externalParameters/recipe/path")
                        .asText())
                .endsWith("greet.yaml");
        assertThat(provenance
                        .at("/predicate/buildDefinition/resolvedDependencies")
                        .findValuesAsText("sha256"))
                .contains(tarballSha256);
        assertThat(provenance
                        .at("/predicate/runDetails/byproducts/0/digest/sha256")
                        .asText())
                .hasSize(64);
        assertThat(archDir.resolve("greet-dev-1.2.3-r0.attest.json")).exists();

        // Same inputs, fresh repository, warm cache: the same bytes, and no download; with an
        // attestation key the provenance becomes a DSSE envelope and the packages do not change.
        int requestsBefore = upstream.requestCount();
        SigningKey attestKey = SigningKey.generate(new java.security.SecureRandom());
        BuildResult second = f.build(recipe, dir.resolve("packages-again"), true, attestKey);
        assertThat(upstream.requestCount()).isEqualTo(requestsBefore);
        for (int i = 0; i < 2; i++) {
            assertThat(second.packages().get(i).sha256())
                    .isEqualTo(first.packages().get(i).sha256());
        }
        assertThat(Digest.sha256(dir.resolve("packages-again/x86_64/APKINDEX.tar.gz")))
                .isEqualTo(Digest.sha256(archDir.resolve("APKINDEX.tar.gz")));
        byte[] signed = Files.readAllBytes(dir.resolve("packages-again/x86_64/greet-1.2.3-r0.attest.json"));
        Dsse.Envelope envelope = Dsse.Envelope.parse(signed, "greet provenance");
        assertThat(envelope.payloadType()).isEqualTo(Dsse.IN_TOTO_PAYLOAD_TYPE);
        InTotoStatement statement = InTotoStatement.parse(
                Dsse.verify(envelope, attestKey.verificationKey(), "greet provenance"), "greet provenance");
        assertThat(statement.subjects().get(0).digest())
                .containsEntry("sha256", second.packages().get(0).sha256());
        assertThat(new String(statement.predicate(), java.nio.charset.StandardCharsets.UTF_8))
                .contains(tarballSha256);
        SigningKey otherKey = SigningKey.generate(new java.security.SecureRandom());
        assertThatThrownBy(() -> Dsse.verify(envelope, otherKey.verificationKey(), "greet provenance"))
                .isInstanceOf(dev.kiln.attest.AttestException.class);
    }

    @Test
    void wrongChecksumFailsBeforeAnyStepAndPublishesNothing(@TempDir Path dir) throws Exception {
        BuildFixture f = fixture(dir, recipe("0".repeat(64), ""), true);
        assertThatThrownBy(() -> f.build(greetRecipe(f)))
                .isInstanceOf(BuildException.class)
                .hasMessageContaining("checksum mismatch")
                .hasMessageContaining(tarballSha256);
        assertThat(f.repository).doesNotExist();
    }

    @Test
    void failingStepNamesTheStepAndLeavesTheRepositoryUnchanged(@TempDir Path dir) throws Exception {
        Published published = published(dir);
        BuildFixture good = published.fixture();

        Path bad = good.writeRecipe(
                "greet",
                recipe(tarballSha256, "  - name: explode\n    runs: |\n      echo about to fail\n      exit 3\n"));
        assertThatThrownBy(() -> good.build(bad))
                .isInstanceOf(BuildException.class)
                .hasMessageContaining("explode")
                .hasMessageContaining("exited with status 3")
                .hasMessageContaining("about to fail");
        published.assertUnchanged();
    }

    @Test
    void missingPatchFails(@TempDir Path dir) throws Exception {
        BuildFixture f = fixture(dir, recipe(tarballSha256, ""), false);
        assertThatThrownBy(() -> f.build(greetRecipe(f)))
                .isInstanceOf(BuildException.class)
                .hasMessageContaining("patch");
        assertThat(f.repository).doesNotExist();
    }

    @Test
    void republishingTheSameVersionWithDifferentBytesIsRefused(@TempDir Path dir) throws Exception {
        Published published = published(dir);
        BuildFixture f = published.fixture();

        Path changed = f.writeRecipe("greet", recipe(tarballSha256, "").replace("\"greets\"", "\"greets loudly\""));
        assertThatThrownBy(() -> f.build(changed))
                .hasMessageContaining("greet-1.2.3-r0")
                .hasMessageContaining("different bytes");
        published.assertUnchanged();
    }

    @Test
    void aKeyThatDoesNotMatchTheRepositoryIsRefused(@TempDir Path dir) throws Exception {
        Published published = published(dir);

        BuildFixture other = new BuildFixture(dir, dev.kiln.apk.ApkSigningKey.generate(2048));
        assertThatThrownBy(() -> other.build(greetRecipe(published.fixture())))
                .hasMessageContaining("does not verify with signing key");
        published.assertUnchanged();
    }

    @Test
    void failingTestPublishesNothing(@TempDir Path dir) throws Exception {
        BuildFixture f = fixture(dir, recipe(tarballSha256, "").replace("Hello, patched", "Hello, nobody"), true);
        assertThatThrownBy(() -> f.build(greetRecipe(f)))
                .isInstanceOf(BuildException.class)
                .hasMessageContaining("test of greet");
        assertThat(Files.exists(f.repository.resolve("x86_64/greet-1.2.3-r0.apk")))
                .isFalse();
    }
}
