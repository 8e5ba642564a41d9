package dev.kiln.vuln;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.attest.AttestException;
import dev.kiln.attest.SpdxPackageSbom;
import dev.kiln.content.Digest;
import dev.kiln.vuln.inventory.Inventories;
import dev.kiln.vuln.inventory.Inventory;
import dev.kiln.vuln.inventory.Rootfs;
import dev.kiln.vuln.report.InventorySboms;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cyclonedx.Version;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inventory SBOMs: valid SPDX 2.3 and CycloneDX 1.6 documents naming every package with its purl and evidence. */
class InventorySbomsTest {
    static final Instant CREATED = Instant.parse("2026-12-01T00:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    Inventory inv;

    @BeforeEach
    void image() throws Exception {
        byte[] inner = FixtureImage.jar(List.<String[]>of(new String[] {"org.yaml", "snakeyaml", "1.33"}), Map.of());
        Path rootfs = FixtureImage.base(tmp)
                .pkg(
                        "py3-jinja2",
                        "3.1.2-r0",
                        "jinja2",
                        FixtureImage.files(
                                "usr/lib/python3.12/site-packages/jinja2-3.1.2.dist-info/METADATA",
                                "Metadata-Version: 2.1\nName: Jinja2\nVersion: 3.1.2\n\nbody\n"))
                .darkFile(
                        "app/app.jar",
                        FixtureImage.jar(
                                List.<String[]>of(new String[] {"com.example", "app", "1.0"}),
                                Map.of("BOOT-INF/lib/snakeyaml-1.33.jar", inner)),
                        false)
                .finish(false);
        inv = Inventories.of(Rootfs.ofDirectory(rootfs));
        assertThat(inv.packages()).hasSizeGreaterThanOrEqualTo(5);
    }

    @Test
    void spdxIsValidAndCarriesPurlsEvidenceAndOwnership() throws Exception {
        byte[] spdx = InventorySboms.spdx(inv, "fixture:latest", CREATED);
        SpdxPackageSbom.validate(spdx);
        JsonNode doc = JSON.readTree(spdx);
        assertThat(doc.path("creationInfo").path("created").asText()).isEqualTo("2026-12-01T00:00:00Z");
        List<String> purls = new ArrayList<>();
        doc.path("packages")
                .forEach(p -> p.path("externalRefs")
                        .forEach(r -> purls.add(r.path("referenceLocator").asText())));
        assertThat(purls)
                .containsAll(inv.packages().stream().map(p -> p.purl()).toList())
                .contains(
                        "pkg:pypi/jinja2@3.1.2",
                        "pkg:maven/org.yaml/snakeyaml@1.33",
                        "pkg:apk/kiln/py3-jinja2@3.1.2-r0?arch=x86_64&distro=kiln-20261201&upstream=jinja2");
        JsonNode yaml = find(doc.path("packages"), "name", "org.yaml:snakeyaml");
        assertThat(yaml.path("sourceInfo").asText())
                .isEqualTo(
                        "evidence: app/app.jar!/BOOT-INF/lib/snakeyaml-1.33.jar!/META-INF/maven/org.yaml/snakeyaml/pom.properties");
        // the Python package lives in files that the APK ships: the APK contains it
        String apkId =
                find(doc.path("packages"), "name", "py3-jinja2").path("SPDXID").asText();
        String pyId =
                find(doc.path("packages"), "name", "jinja2").path("SPDXID").asText();
        assertThat(doc.path("relationships").toString())
                .contains("{\"spdxElementId\":\"" + apkId
                        + "\",\"relationshipType\":\"CONTAINS\",\"relatedSpdxElement\":\"" + pyId + "\"}");
        // reproducible: same inventory, same bytes
        assertThat(InventorySboms.spdx(
                        Inventories.of(Rootfs.ofDirectory(tmp.resolve("rootfs"))), "fixture:latest", CREATED))
                .isEqualTo(spdx);
    }

    @Test
    void spdxValidatorRejectsABrokenDocument() throws Exception {
        ObjectNode doc = (ObjectNode) JSON.readTree(InventorySboms.spdx(inv, "fixture", CREATED));
        ((ObjectNode) doc.path("packages").get(1)).remove("downloadLocation");
        assertThatThrownBy(() -> SpdxPackageSbom.validate(JSON.writeValueAsBytes(doc)))
                .isInstanceOf(AttestException.class)
                .hasMessageContaining("downloadLocation");
    }

    @Test
    void cyclonedxValidatesAgainstTheSchema() throws Exception {
        byte[] cdx = InventorySboms.cyclonedx(inv, "fixture:latest", CREATED);
        assertThat(new JsonParser().validate(cdx, Version.VERSION_16)).isEmpty();
        JsonNode bom = JSON.readTree(cdx);
        assertThat(bom.path("specVersion").asText()).isEqualTo("1.6");
        assertThat(bom.path("components")).hasSize(inv.packages().size() + 1);
        JsonNode app = find(bom.path("components"), "name", "com.example:app");
        assertThat(app.path("purl").asText()).isEqualTo("pkg:maven/com.example/app@1.0");
        assertThat(app.path("evidence")
                        .path("occurrences")
                        .get(0)
                        .path("location")
                        .asText())
                .isEqualTo("app/app.jar!/META-INF/maven/com.example/app/pom.properties");
        JsonNode deps = find(
                bom.path("dependencies"),
                "ref",
                "pkg:apk/kiln/py3-jinja2@3.1.2-r0?arch=x86_64&distro=kiln-20261201&upstream=jinja2");
        assertThat(deps.path("dependsOn").toString()).contains("pkg:pypi/jinja2@3.1.2");
        assertThat(InventorySboms.cyclonedx(inv, "fixture:latest", CREATED)).isEqualTo(cdx);
        // a schema violation is caught: the check can fail
        ObjectNode broken = (ObjectNode) bom;
        ((ObjectNode) broken.path("components").get(0)).put("type", "gizmo");
        assertThat(new JsonParser().validate(JSON.writeValueAsBytes(broken), Version.VERSION_16))
                .isNotEmpty();
    }

    /** Pins the bytes of both documents, so a change to either writer's output is a deliberate one. */
    @Test
    void goldenDigestsArePinned() {
        byte[] spdx = InventorySboms.spdx(inv, "fixture:latest", CREATED);
        byte[] cdx = InventorySboms.cyclonedx(inv, "fixture:latest", CREATED);
        assertSoftly(softly -> {
            softly.assertThat(Digest.sha256(spdx).hex())
                    .as(new String(spdx, StandardCharsets.UTF_8))
                    .isEqualTo("3fca47d7758cceafffff8cf634a6f30e3aba2e7abfb3e68cca5db40cb65e82ec");
            softly.assertThat(Digest.sha256(cdx).hex())
                    .as(new String(cdx, StandardCharsets.UTF_8))
                    .isEqualTo("d3b8eb45acadac2be4bda721d910047f1daa5004825907d99a565c05dfa67175");
        });
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode n : array) {
            if (n.path(field).asText().equals(value)) {
                return n;
            }
        }
        throw new AssertionError("no element with " + field + "=" + value + " in " + array);
    }
}
