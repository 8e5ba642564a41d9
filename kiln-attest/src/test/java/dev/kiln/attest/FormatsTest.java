package dev.kiln.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.kiln.content.Digest;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Golden bytes, schema checks and readers' tolerance for the documents Kiln writes. */
class FormatsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Digest IMAGE = Digest.parse("sha256:" + "ab".repeat(32));

    static Set<ValidationMessage> validate(String schema, byte[] json) throws Exception {
        try (InputStream in = FormatsTest.class.getResourceAsStream("/schemas/" + schema)) {
            JsonSchema s = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(in);
            return s.validate(JSON.readTree(json));
        }
    }

    static SlsaProvenance provenance() {
        return SlsaProvenance.builder(SlsaProvenance.IMAGE_BUILD_TYPE, SlsaProvenance.LOCAL_BUILDER_ID)
                .externalParameter(
                        "config",
                        Map.of("contents", Map.of("packages", List.of("hello=2.12-r0")), "archs", List.of("amd64")))
                .externalParameter("configDigest", Map.of("sha256", "cd".repeat(32)))
                .internalParameter("host", "builder-1")
                .resolvedDependency(ResourceDescriptor.of(
                        "hello", "pkg:apk/kiln/hello@2.12-r0?arch=x86_64", "sha256", "12".repeat(32)))
                .resolvedDependency(new ResourceDescriptor(
                        "index",
                        "https://packages.example/x86_64/APKINDEX.tar.gz",
                        Map.of("sha256", "34".repeat(32)),
                        null,
                        "application/gzip",
                        null))
                .builderVersion("kiln", "0.1.0")
                .builderVersion("java", "17")
                .invocationId("hello-amd64")
                .startedOn(Instant.ofEpochSecond(1_700_000_000, 123))
                .finishedOn(Instant.ofEpochSecond(1_700_000_060))
                .byproduct(new ResourceDescriptor(
                        "build.log", null, Map.of("sha256", "56".repeat(32)), null, "text/plain", null))
                .build();
    }

    @Test
    void provenanceIsAValidStatementWithPinnedBytes() throws Exception {
        byte[] statement = provenance()
                .statement(List.of(new ResourceDescriptor(
                        "registry.example/hello", null, Map.of("sha256", IMAGE.hex()), null, null, null)))
                .toJson();
        assertThat(validate("slsa-provenance-v1-statement.json", statement)).isEmpty();
        JsonNode n = JSON.readTree(statement);
        assertThat(n.at("/predicate/runDetails/metadata/startedOn").asText()).isEqualTo("2023-11-14T22:13:20Z");
        assertThat(n.at("/predicate/buildDefinition/externalParameters").fieldNames())
                .toIterable()
                .containsExactly("config", "configDigest");
        // the same inputs give the same bytes, whatever the insertion order of parameters
        assertThat(Digest.sha256(statement))
                .isEqualTo(Digest.sha256(provenance()
                        .statement(List.of(new ResourceDescriptor(
                                "registry.example/hello", null, Map.of("sha256", IMAGE.hex()), null, null, null)))
                        .toJson()));
        assertThat(Digest.sha256(statement).toString())
                .isEqualTo("sha256:5dae9974eef22f675090cddf0c6968f471abe14f4d613a666560c080e7f302cb");
        assertThat(new String(statement, StandardCharsets.UTF_8))
                .startsWith(
                        "{\"_type\":\"https://in-toto.io/Statement/v1\","
                                + "\"subject\":[{\"name\":\"registry.example/hello\",\"digest\":{\"sha256\":\""
                                + IMAGE.hex() + "\"}}],"
                                + "\"predicateType\":\"https://slsa.dev/provenance/v1\",\"predicate\":{\"buildDefinition\":{\"buildType\":"
                                + "\"https://kiln.dev/buildtypes/image/v1\",\"externalParameters\":{\"config\":{\"archs\":[\"amd64\"],");
        // a statement missing its digest breaks the schema: the validator can fail
        byte[] broken = new String(statement, StandardCharsets.UTF_8)
                .replace("\"finishedOn\":\"2023-11-14T22:14:20Z\"", "\"finishedOn\":\"yesterday\"")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(validate("slsa-provenance-v1-statement.json", broken)).isNotEmpty();
    }

    @Test
    void provenanceNeedsBuildTypeAndBuilder() {
        assertThatThrownBy(() -> SlsaProvenance.builder(null, "x").build())
                .hasMessageContaining("buildType and builder.id");
        assertThatThrownBy(() -> ResourceDescriptor.of("x", null, "sha256", null))
                .hasMessageContaining("needs a uri or a digest");
    }

    @Test
    void simpleSigningPayloadIsCosignsShapeAndReadsAnyKeyCase() {
        byte[] payload = new SimpleSigning("registry.example/app", IMAGE, null).toJson();
        assertThat(new String(payload, StandardCharsets.UTF_8))
                .isEqualTo("{\"critical\":{\"identity\":{\"docker-reference\":"
                        + "\"registry.example/app\"},\"image\":{\"docker-manifest-digest\":\"" + IMAGE + "\"},\"type\":"
                        + "\"cosign container image signature\"},\"optional\":null}");
        String odd =
                "{\"Critical\":{\"Identity\":{\"docker-reference\":\"r/a\"},\"Image\":{\"Docker-manifest-digest\":\""
                        + IMAGE
                        + "\"},\"Type\":\"cosign container image signature\"},\"Optional\":{\"creator\":\"x\"}}";
        SimpleSigning parsed = SimpleSigning.parse(odd.getBytes(StandardCharsets.UTF_8), "odd");
        assertThat(parsed.manifestDigest()).isEqualTo(IMAGE);
        assertThat(parsed.optional()).containsEntry("creator", "x");
        assertThatThrownBy(() ->
                        SimpleSigning.parse("{\"critical\":{\"type\":\"x\"}}".getBytes(StandardCharsets.UTF_8), "p"))
                .hasMessage("p: critical.type must be 'cosign container image signature', found 'x'");
    }

    @Test
    void bundlesMatchTheSchemaAndVerify() throws Exception {
        SigningKey key = SigningKey.generate(Fixtures.RANDOM);
        byte[] artifact = "artifact".getBytes(StandardCharsets.UTF_8);
        SigstoreBundle message = SigstoreBundle.signMessage(artifact, key);
        assertThat(validate("sigstore-bundle-v03-key.json", message.toJson())).isEmpty();
        SigstoreBundle.parse(message.toJson(), "m").verifyMessage(artifact, key.verificationKey(), "m");
        assertThatThrownBy(() -> SigstoreBundle.parse(message.toJson(), "m")
                        .verifyMessage("artifacT".getBytes(StandardCharsets.UTF_8), key.verificationKey(), "m"))
                .hasMessage("m: artifact's SHA-256 differs from the bundle's messageDigest");

        InTotoStatement st = new InTotoStatement(
                List.of(new ResourceDescriptor("a", null, Map.of("sha256", IMAGE.hex()), null, null, null)),
                PredicateTypes.SPDX,
                "{\"spdxVersion\":\"SPDX-2.3\"}".getBytes(StandardCharsets.UTF_8));
        SigstoreBundle dsse =
                SigstoreBundle.of(Dsse.sign(Dsse.IN_TOTO_PAYLOAD_TYPE, st.toJson(), key), key.verificationKey());
        assertThat(validate("sigstore-bundle-v03-key.json", dsse.toJson())).isEmpty();
        byte[] payload = SigstoreBundle.parse(dsse.toJson(), "d").verifyEnvelope(key.verificationKey(), "d");
        assertThat(InTotoStatement.parse(payload, "s").predicateType()).isEqualTo(PredicateTypes.SPDX);
        // the older media type spelling is read too
        String old = new String(dsse.toJson(), StandardCharsets.UTF_8)
                .replace(
                        "application/vnd.dev.sigstore.bundle.v0.3+json",
                        "application/vnd.dev.sigstore.bundle+json;version=0.2");
        assertThat(SigstoreBundle.parse(old.getBytes(StandardCharsets.UTF_8), "old")
                        .contentKind())
                .isEqualTo("dsse-envelope");
    }

    @Test
    void statementsV01AreReadAndPredicateShortcutsResolve() {
        String v01 =
                "{\"_type\":\"https://in-toto.io/Statement/v0.1\",\"subject\":[{\"name\":\"x\",\"digest\":{\"sha256\":\""
                        + IMAGE.hex() + "\"}}],\"predicateType\":\"https://cyclonedx.org/bom/v1.6\",\"predicate\":{}}";
        InTotoStatement st = InTotoStatement.parse(v01.getBytes(StandardCharsets.UTF_8), "v01");
        assertThat(st.hasSubjectDigest("sha256", IMAGE.hex())).isTrue();
        assertThat(PredicateTypes.matches(PredicateTypes.CYCLONEDX, st.predicateType()))
                .isTrue();
        assertThat(PredicateTypes.resolve("slsaprovenance")).isEqualTo("https://slsa.dev/provenance/v1");
        assertThat(PredicateTypes.resolve("https://example.com/p")).isEqualTo("https://example.com/p");
        assertThatThrownBy(() -> PredicateTypes.resolve("sbom"))
                .hasMessageStartingWith("predicate type 'sbom' is neither a URI nor one of [");
        assertThatThrownBy(() -> InTotoStatement.parse("{\"_type\":\"x\"}".getBytes(StandardCharsets.UTF_8), "t"))
                .hasMessageContaining("t: _type must be https://in-toto.io/Statement/v1");
    }
}
