package dev.kiln.attest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.content.Digest;
import dev.kiln.testkit.SbomValidators;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The CycloneDX writer on its own: every optional field, left out when unknown, valid against the schema. */
class CycloneDxWriterTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static SbomComponent pkg(String name, String license, Map<String, String> properties) {
        return SbomComponent.of(SbomComponent.Type.LIBRARY, "pkg:apk/kiln/" + name + "@1.0-r0", name)
                .withSupplier("Kiln")
                .withVersion("1.0-r0")
                .withDescription(name + " does things")
                .withLicense(license)
                .withChecksums(List.of(new SbomChecksum(SbomChecksum.Algorithm.SHA1, "ab".repeat(20))))
                .withPurl("pkg:apk/kiln/" + name + "@1.0-r0")
                .withEvidence(List.of("lib/apk/db/installed"))
                .withProperties(properties);
    }

    static SbomDocument document() {
        SbomComponent image = SbomComponent.of(SbomComponent.Type.CONTAINER, "image", "kiln.dev/hello");
        SbomComponent os = SbomComponent.of(SbomComponent.Type.OPERATING_SYSTEM, "os:kiln", "kiln")
                .withSupplier("Kiln")
                .withVersion("2025");
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("kiln:ecosystem", "Wolfi");
        properties.put("kiln:origin", "hello-src");
        return SbomDocument.cycloneDx(
                UUID.nameUUIDFromBytes("hello".getBytes(StandardCharsets.UTF_8)),
                Instant.parse("2026-12-01T10:11:12.999Z"),
                "kiln",
                "Kiln",
                image,
                List.of(os, pkg("hello", "GPL-3.0-or-later", properties), pkg("libc", "MIT AND Frobnitz", Map.of())),
                List.of(
                        new SbomDependency("image", List.of("os:kiln", "pkg:apk/kiln/hello@1.0-r0")),
                        new SbomDependency("pkg:apk/kiln/hello@1.0-r0", List.of("pkg:apk/kiln/libc@1.0-r0"))));
    }

    @Test
    void writesEveryFieldValidlyAndLeavesOutWhatIsUnknown() throws Exception {
        byte[] bom = CycloneDxWriter.write(document());
        assertThat(SbomValidators.cycloneDxSchema(bom)).isEmpty();
        JsonNode doc = JSON.readTree(bom);
        assertThat(doc.path("serialNumber").asText())
                .isEqualTo("urn:uuid:" + UUID.nameUUIDFromBytes("hello".getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.path("metadata").path("timestamp").asText()).isEqualTo("2026-12-01T10:11:12Z");
        assertThat(doc.path("metadata").path("authors").path(0).path("name").asText())
                .isEqualTo("Kiln");
        JsonNode image = doc.path("metadata").path("component");
        assertThat(image.has("version") || image.has("purl") || image.has("supplier"))
                .as(image.toString())
                .isFalse();
        JsonNode hello = doc.path("components").path(1);
        assertThat(hello.path("licenses").path(0).path("expression").asText()).isEqualTo("GPL-3.0-or-later");
        assertThat(hello.path("hashes").path(0).path("alg").asText()).isEqualTo("SHA-1");
        assertThat(hello.path("evidence")
                        .path("occurrences")
                        .path(0)
                        .path("location")
                        .asText())
                .isEqualTo("lib/apk/db/installed");
        assertThat(hello.path("properties").toString())
                .isEqualTo("[{\"name\":\"kiln:ecosystem\",\"value\":\"Wolfi\"},"
                        + "{\"name\":\"kiln:origin\",\"value\":\"hello-src\"}]");
        // a licence off the SPDX list cannot be an expression in CycloneDX: it is kept as a name
        JsonNode libc = doc.path("components").path(2);
        assertThat(libc.path("licenses").path(0).path("license").path("name").asText())
                .isEqualTo("MIT AND Frobnitz");
        assertThat(libc.has("properties")).isFalse();
        assertThat(doc.path("components").path(0).has("licenses")).isFalse();
        assertThat(bom[bom.length - 1]).isEqualTo((byte) '\n');
        assertThat(CycloneDxWriter.write(document())).isEqualTo(bom);
    }

    @Test
    void goldenDigestIsPinned() {
        byte[] bom = CycloneDxWriter.write(document());
        assertThat(Digest.sha256(bom).hex())
                .as(new String(bom, StandardCharsets.UTF_8))
                .isEqualTo("4b9601c8d2ae74028b5c9b5323c0e12f5b68db5b84aaba9b04252c169a73fc7a");
    }
}
