package dev.kiln.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.testkit.SbomValidators;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SPDX writer on its own: every optional field, licence definitions, valid for SPDX tools. */
class SpdxWriterTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A library known by the facts every SBOM must give (NTIA's minimum elements) and no more. */
    static SbomComponent library(String name) {
        return SbomComponent.of(SbomComponent.Type.LIBRARY, "SPDXRef-" + name, name)
                .withVersion("1.0-r0")
                .withSupplier("Kiln")
                .withPurl("pkg:apk/kiln/" + name + "@1.0-r0");
    }

    static SbomDocument document(List<SbomComponent> extra) {
        SbomComponent image = SbomComponent.of(SbomComponent.Type.CONTAINER, "SPDXRef-Image", "kiln.dev/hello")
                .withVersion("sha256:" + "cd".repeat(32))
                .withSupplier("Kiln")
                .withChecksums(List.of(new SbomChecksum(SbomChecksum.Algorithm.SHA256, "cd".repeat(32))))
                .withPurl("pkg:oci/hello@sha256%3A" + "cd".repeat(32));
        SbomComponent hello = SbomComponent.of(SbomComponent.Type.APPLICATION, "SPDXRef-hello", "hello")
                .withVersion("1.0-r0")
                .withSupplier("Kiln")
                .withOriginator("GNU")
                .withDownloadLocation("https://ftp.gnu.org/gnu/hello/hello-1.0.tar.gz")
                .withLicense("GPL-3.0-or-later AND Frobnitz")
                .withCopyrightText("Copyright FSF")
                .withDescription("says hello")
                .withComment("a comment")
                .withSourceInfo("evidence: lib/apk/db/installed")
                .withPurl("pkg:apk/kiln/hello@1.0-r0?arch=x86_64");
        List<SbomComponent> components = new ArrayList<>(List.of(image, hello));
        components.addAll(extra);
        List<SbomRelationship> relationships = new ArrayList<>();
        relationships.add(SbomRelationship.describes("SPDXRef-Image"));
        relationships.add(new SbomRelationship("SPDXRef-Image", "CONTAINS", "SPDXRef-hello"));
        extra.forEach(c -> relationships.add(new SbomRelationship("SPDXRef-Image", "CONTAINS", c.ref())));
        return SbomDocument.spdx(
                "hello",
                "https://kiln.dev/spdx/test/hello",
                Instant.parse("2026-12-01T10:11:12.999Z"),
                "kiln",
                "Kiln",
                image,
                components,
                relationships);
    }

    @Test
    void writesEveryFieldValidlyAndLeavesOutWhatIsUnknown() throws Exception {
        byte[] spdx = SpdxWriter.write(document(List.of()));
        SbomValidators.assertValidSpdx(spdx);
        SpdxPackageSbom.validate(spdx);
        assertThat(spdx[spdx.length - 1]).isEqualTo((byte) '\n');
        assertThat(SpdxWriter.write(document(List.of()))).isEqualTo(spdx);
        JsonNode doc = JSON.readTree(spdx);
        assertThat(doc.at("/creationInfo/created").asText()).isEqualTo("2026-12-01T10:11:12Z");
        assertThat(doc.at("/creationInfo/creators").toString()).isEqualTo("[\"Tool: kiln\",\"Organization: Kiln\"]");
        assertThat(doc.path("documentDescribes").toString()).isEqualTo("[\"SPDXRef-Image\"]");
        JsonNode image = doc.path("packages").get(0);
        assertThat(image.path("checksums").toString())
                .isEqualTo("[{\"algorithm\":\"SHA256\",\"checksumValue\":\"" + "cd".repeat(32) + "\"}]");
        assertThat(image.has("licenseDeclared")).isFalse();
        assertThat(image.has("originator")).isFalse();
        assertThat(image.has("comment")).isFalse();
        assertThat(image.path("downloadLocation").asText()).isEqualTo("NOASSERTION");
        JsonNode hello = doc.path("packages").get(1);
        assertThat(hello.path("originator").asText()).isEqualTo("Organization: GNU");
        assertThat(hello.path("licenseDeclared").asText()).isEqualTo("GPL-3.0-or-later AND LicenseRef-Frobnitz");
        assertThat(hello.path("sourceInfo").asText()).isEqualTo("evidence: lib/apk/db/installed");
        assertThat(hello.at("/externalRefs/0/referenceLocator").asText())
                .isEqualTo("pkg:apk/kiln/hello@1.0-r0?arch=x86_64");
        assertThat(hello.path("primaryPackagePurpose").asText()).isEqualTo("APPLICATION");
        assertThat(doc.at("/hasExtractedLicensingInfos/0/licenseId").asText()).isEqualTo("LicenseRef-Frobnitz");
    }

    @Test
    void aLicenseRefDefinedDifferentlyByACopiedDocumentGetsItsOwnId() throws Exception {
        SbomLicence theirs = new SbomLicence("LicenseRef-Frobnitz", "Frobnitz", "the Frobnitz text, version 2");
        SbomComponent copied = library("libc")
                .withSpdxLicensing(new SpdxLicensing("MIT OR LicenseRef-Frobnitz", "NOASSERTION", List.of(theirs)));
        SbomComponent same = library("zlib").withLicense("Frobnitz");
        byte[] spdx = SpdxWriter.write(document(List.of(copied, same)));
        SbomValidators.assertValidSpdx(spdx);
        JsonNode doc = JSON.readTree(spdx);
        assertThat(doc.at("/packages/2/licenseDeclared").asText()).isEqualTo("MIT OR LicenseRef-Frobnitz-2");
        assertThat(doc.at("/packages/2/licenseConcluded").asText()).isEqualTo("NOASSERTION");
        // zlib means what hello means by the name: one definition serves both
        assertThat(doc.at("/packages/3/licenseDeclared").asText()).isEqualTo("LicenseRef-Frobnitz");
        List<String> defined = new ArrayList<>();
        doc.path("hasExtractedLicensingInfos")
                .forEach(x -> defined.add(x.path("licenseId").asText()));
        assertThat(defined).containsExactly("LicenseRef-Frobnitz", "LicenseRef-Frobnitz-2");
        assertThat(doc.at("/hasExtractedLicensingInfos/1/extractedText").asText())
                .isEqualTo("the Frobnitz text, version 2");
    }

    @Test
    void aRefThatIsNotAnElementIdIsRefusedWithTheComponentNamed() {
        SbomComponent bad = SbomComponent.of(SbomComponent.Type.LIBRARY, "pkg:apk/kiln/x@1", "x");
        assertThatThrownBy(() -> SpdxWriter.write(document(List.of(bad))))
                .isInstanceOf(AttestException.class)
                .hasMessageContaining("component x has ref 'pkg:apk/kiln/x@1'");
    }

    @Test
    void elementIdsSpellOtherCharactersAsCodePoints() {
        assertThat(SpdxWriter.elementId("py3_foo+x-1.0")).isEqualTo("py3C95fooC43x-1.0");
    }
}
