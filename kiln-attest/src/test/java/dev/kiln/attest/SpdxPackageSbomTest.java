package dev.kiln.attest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.testkit.SbomValidators;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class SpdxPackageSbomTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DATA_HASH = "aa".repeat(32);
    private static final SourceRef TARBALL = new SourceRef(
            "curl",
            "8.10.1",
            "pkg:generic/curl@8.10.1?checksum=sha256:" + "bb".repeat(32)
                    + "&download_url=https%3A%2F%2Fcurl.se%2Fdownload%2Fcurl-8.10.1.tar.xz");
    private static final SourceRef GIT = new SourceRef("nghttp2", "v1.64.0", "pkg:github/nghttp2/nghttp2@v1.64.0");

    private final SpdxPackageSbom sbom = new SpdxPackageSbom();

    private static PackageSbomInput input(String license, String arch, String dataHash) {
        return new PackageSbomInput(
                "kiln",
                "curl",
                "8.10.1-r0",
                arch,
                license,
                "Copyright (c) Daniel Stenberg",
                "curl.yaml",
                "0123456789abcdef0123456789abcdef01234567",
                List.of(TARBALL, GIT),
                dataHash,
                1_700_000_000L,
                "0.1.0");
    }

    private static PackageSbomInput fixed() {
        return input("MIT AND curl", "x86_64", DATA_HASH);
    }

    private static JsonNode parse(byte[] json) throws IOException {
        return JSON.readTree(json);
    }

    private static JsonNode pkg(JsonNode doc, String id) {
        for (JsonNode p : doc.get("packages")) {
            if (p.get("SPDXID").asText().equals(id)) {
                return p;
            }
        }
        throw new AssertionError("no package " + id);
    }

    @Test
    void goldenDigestIsPinned() throws Exception {
        byte[] json = sbom.write(fixed());

        assertThat(json[json.length - 1]).isEqualTo((byte) '\n');
        assertThat(sbom.write(fixed())).isEqualTo(json);
        SpdxPackageSbom.validate(json);
        String digest =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        assertThat(digest)
                .as(new String(json, UTF_8))
                .isEqualTo("cffb1cc95c74df86165940f4e9f1510dbf38d3ca96bf20a382e4bac895b3b125");
    }

    @Test
    void documentFollowsApkSection6() throws IOException {
        JsonNode doc = parse(sbom.write(fixed()));

        assertThat(doc.get("spdxVersion").asText()).isEqualTo("SPDX-2.3");
        assertThat(doc.get("name").asText()).isEqualTo("apk-curl-8.10.1-r0");
        assertThat(doc.at("/creationInfo/created").asText()).isEqualTo("2023-11-14T22:13:20Z");
        assertThat(doc.at("/creationInfo/creators").toString())
                .isEqualTo("[\"Tool: kiln-0.1.0\",\"Organization: Kiln\"]");
        assertThat(doc.get("documentDescribes").toString()).isEqualTo("[\"SPDXRef-Package-apk-curl-8.10.1-r0\"]");

        JsonNode os = pkg(doc, "SPDXRef-OperatingSystem");
        assertThat(os.get("primaryPackagePurpose").asText()).isEqualTo("OPERATING_SYSTEM");
        assertThat(os.get("name").asText()).isEqualTo("kiln");
        assertThat(os.get("versionInfo").asText()).isEqualTo("20231114"); // the build day of a rolling distribution
        assertThat(os.at("/externalRefs/0/referenceLocator").asText()).isEqualTo("pkg:generic/kiln@20231114");

        JsonNode apk = pkg(doc, "SPDXRef-Package-apk-curl-8.10.1-r0");
        assertThat(apk.get("versionInfo").asText()).isEqualTo("8.10.1-r0");
        assertThat(apk.get("licenseDeclared").asText()).isEqualTo("MIT AND curl");
        assertThat(apk.get("filesAnalyzed").asBoolean(true)).isFalse();
        assertThat(apk.get("supplier").asText()).isEqualTo("Organization: Kiln");
        assertThat(apk.at("/externalRefs/0/referenceCategory").asText()).isEqualTo("PACKAGE-MANAGER");
        assertThat(apk.at("/externalRefs/0/referenceLocator").asText())
                .isEqualTo("pkg:apk/kiln/curl@8.10.1-r0?arch=x86_64&distro=kiln");

        JsonNode recipe = pkg(doc, "SPDXRef-Recipe");
        assertThat(recipe.get("name").asText()).isEqualTo("curl.yaml");
        assertThat(recipe.get("primaryPackagePurpose").asText()).isEqualTo("INSTALL");
        assertThat(recipe.get("versionInfo").asText()).isEqualTo("0123456789abcdef0123456789abcdef01234567");
        assertThat(recipe.at("/externalRefs/0/referenceLocator").asText())
                .isEqualTo("pkg:generic/kiln/curl.yaml@0123456789abcdef0123456789abcdef01234567");

        JsonNode tarball = pkg(doc, "SPDXRef-Source-1-curl");
        assertThat(tarball.get("downloadLocation").asText()).isEqualTo("https://curl.se/download/curl-8.10.1.tar.xz");
        assertThat(tarball.get("primaryPackagePurpose").asText()).isEqualTo("SOURCE");
        assertThat(tarball.get("supplier").asText()).isEqualTo("Organization: curl.se"); // the host it came from
        JsonNode git = pkg(doc, "SPDXRef-Source-2-nghttp2");
        assertThat(git.get("downloadLocation").asText()).isEqualTo("NOASSERTION");
        assertThat(git.get("supplier").asText()).isEqualTo("Organization: nghttp2"); // the GitHub owner

        assertThat(doc.get("relationships").toString())
                .contains(
                        "{\"spdxElementId\":\"SPDXRef-Package-apk-curl-8.10.1-r0\",\"relationshipType\":\"DESCRIBED_BY\",\"relatedSpdxElement\":\"SPDXRef-Recipe\"}")
                .contains(
                        "\"relationshipType\":\"GENERATED_FROM\",\"relatedSpdxElement\":\"SPDXRef-Source-2-nghttp2\"");
        assertThat(doc.has("hasExtractedLicensingInfos")).isFalse();
    }

    @Test
    void withoutACommitOrAnOriginTheRecipeAndSourcesStillHaveVersionSupplierAndPurl() throws IOException {
        SourceRef local = new SourceRef("greet", "1.0", "pkg:generic/greet@1.0");
        JsonNode doc = parse(sbom.write(new PackageSbomInput(
                "kiln",
                "greet",
                "1.0-r2",
                "x86_64",
                "MIT",
                null,
                "greet.yaml",
                null,
                List.of(local),
                DATA_HASH,
                0,
                "0.1.0")));

        JsonNode recipe = pkg(doc, "SPDXRef-Recipe");
        assertThat(recipe.get("versionInfo").asText()).isEqualTo("1.0-r2");
        assertThat(recipe.at("/externalRefs/0/referenceLocator").asText())
                .isEqualTo("pkg:generic/kiln/greet.yaml@1.0-r2");
        assertThat(pkg(doc, "SPDXRef-Source-1-greet").get("supplier").asText()).isEqualTo("Organization: Kiln");
        assertThat(pkg(doc, "SPDXRef-OperatingSystem").get("versionInfo").asText())
                .isEqualTo("19700101");
        assertThat(SbomValidators.ntiaSpdx(JSON.writeValueAsBytes(doc))).isEmpty();
    }

    @Test
    void aSourceUrlOutsideSpdxsDownloadLocationGrammarStaysInThePurlOnly() throws IOException {
        // SPDX 2.3 §7.7 wants a host name with a top-level domain: an IP address fails SPDX tools-java
        SourceRef local = new SourceRef(
                "greet",
                "1.2.3",
                "pkg:generic/greet@1.2.3?download_url="
                        + "http%3A%2F%2F127.0.0.1%3A8080%2Freleases%2Fgreet-1.2.3.tar.gz");
        byte[] json = sbom.write(new PackageSbomInput(
                "kiln",
                "greet",
                "1.2.3-r0",
                "x86_64",
                "MIT",
                null,
                "greet.yaml",
                null,
                List.of(local),
                DATA_HASH,
                0,
                "0.1.0"));

        JsonNode source = pkg(parse(json), "SPDXRef-Source-1-greet");
        assertThat(source.get("downloadLocation").asText()).isEqualTo("NOASSERTION");
        assertThat(source.get("supplier").asText()).isEqualTo("Organization: 127.0.0.1");
        assertThat(source.at("/externalRefs/0/referenceLocator").asText()).contains("127.0.0.1");
        SbomValidators.assertValidSpdx(json);
    }

    @Test
    void namespaceIsUniquePerArchitectureAndContent() throws IOException {
        String base = parse(sbom.write(fixed())).get("documentNamespace").asText();
        String otherArch = parse(sbom.write(input("MIT", "aarch64", DATA_HASH)))
                .get("documentNamespace")
                .asText();
        String otherData = parse(sbom.write(input("MIT", "x86_64", "cc".repeat(32))))
                .get("documentNamespace")
                .asText();

        assertThat(base)
                .startsWith("https://spdx.org/spdxdocs/kiln/kiln/curl-8.10.1-r0-x86_64-")
                .doesNotContain("#");
        assertThat(List.of(base, otherArch, otherData)).doesNotHaveDuplicates();
    }

    @Test
    void licencesAreNormalisedAndUnknownOnesBecomeLicenseRefs() throws IOException {
        assertThat(declared("mit and apache-2.0")).isEqualTo("MIT AND Apache-2.0");
        assertThat(declared("(MIT OR BSD-3-Clause) AND Zlib")).isEqualTo("(MIT OR BSD-3-Clause) AND Zlib");
        assertThat(declared("GPL-2.0-or-later WITH Classpath-exception-2.0"))
                .isEqualTo("GPL-2.0-or-later WITH Classpath-exception-2.0");
        assertThat(declared(null)).isEqualTo("NOASSERTION");

        JsonNode doc = parse(sbom.write(input("GPL-2.0+ OR Custom Licence_v2", "x86_64", DATA_HASH)));
        assertThat(pkg(doc, "SPDXRef-Package-apk-curl-8.10.1-r0")
                        .get("licenseDeclared")
                        .asText())
                .isEqualTo("GPL-2.0+ OR LicenseRef-Custom-Licence-v2");
        assertThat(doc.at("/hasExtractedLicensingInfos/0/licenseId").asText())
                .isEqualTo("LicenseRef-Custom-Licence-v2");
        assertThat(doc.at("/hasExtractedLicensingInfos/0/name").asText()).isEqualTo("Custom Licence_v2");
        assertThat(declared("Public Domain AND MIT")).isEqualTo("LicenseRef-Public-Domain AND MIT");

        assertThat(declared("GPL-3.0 WITH Odd-exception")).isEqualTo("LicenseRef-GPL-3.0-WITH-Odd-exception");
    }

    private String declared(String license) throws IOException {
        byte[] json = sbom.write(input(license, "x86_64", DATA_HASH));
        SpdxPackageSbom.validate(json);
        return pkg(parse(json), "SPDXRef-Package-apk-curl-8.10.1-r0")
                .get("licenseDeclared")
                .asText();
    }

    @Test
    void spdxToolsAndTheNtiaCheckFindNoProblems() {
        List<PackageSbomInput> inputs = List.of(
                fixed(),
                input("GPL-2.0-or-later WITH Classpath-exception-2.0 OR Custom Licence_v2", "aarch64", DATA_HASH),
                input("(Public Domain OR MIT) AND GPL-3.0 WITH Odd-exception", "x86_64", DATA_HASH),
                input(null, "x86_64", DATA_HASH),
                new PackageSbomInput(
                        "kiln",
                        "zlib",
                        "1.3.1-r0",
                        "x86_64",
                        "Zlib",
                        null,
                        "zlib.yaml",
                        null,
                        List.of(),
                        DATA_HASH,
                        0,
                        "0.1.0"));
        for (PackageSbomInput in : inputs) {
            SbomValidators.assertValidSpdx(sbom.write(in));
        }
    }

    @Test
    void spdxToolsRejectsABrokenDocument() throws Exception {
        ObjectNode doc = (ObjectNode) parse(sbom.write(fixed()));
        doc.remove("dataLicense");

        assertThat(SbomValidators.spdxToolsVerify(JSON.writeValueAsBytes(doc)))
                .anyMatch(m -> m.contains("dataLicense"));
    }

    @Test
    void validatorRejectsTheKnownSpellingTraps() throws IOException {
        assertRejected(
                d -> ((ObjectNode) d.at("/packages/0")).put("primaryPackagePurpose", "OPERATING-SYSTEM"),
                "OPERATING-SYSTEM");
        assertRejected(
                d -> ((ObjectNode) d.at("/packages/1/externalRefs/0")).put("referenceCategory", "PACKAGE_MANAGER"),
                "PACKAGE_MANAGER");
        assertRejected(
                d -> ((ObjectNode) d.at("/packages/1"))
                        .putArray("checksums")
                        .addObject()
                        .put("algorithm", "SHA-256")
                        .put("checksumValue", "00"),
                "SHA-256");
        assertRejected(
                d -> ((ObjectNode) d.at("/creationInfo")).put("created", "2023-11-14T23:13:20+01:00"),
                "creationInfo.created");
        assertRejected(d -> ((ObjectNode) d.at("/packages/2")).put("SPDXID", "SPDXRef-Recipe_1"), "SPDXRef-Recipe_1");
        assertRejected(
                d -> ((ObjectNode) d.at("/packages/1")).put("licenseDeclared", "LicenseRef-Missing"),
                "LicenseRef-Missing");
        assertRejected(
                d -> ((ObjectNode) d.at("/relationships/0")).put("relatedSpdxElement", "SPDXRef-Nowhere"),
                "SPDXRef-Nowhere");
        assertRejected(d -> ((ObjectNode) d).remove("dataLicense"), "dataLicense");
        assertRejected(
                d -> ((ObjectNode) d.at("/packages/1")).put("licenseDeclared", "MIT Apache-2.0"),
                "without AND/OR/WITH");
        assertRejected(d -> ((ObjectNode) d.at("/packages/1")).remove("downloadLocation"), "downloadLocation");
        assertRejected(
                d -> ((ObjectNode) d).put("documentNamespace", "https://example.org/doc#1"), "documentNamespace");
    }

    private void assertRejected(Consumer<JsonNode> mutation, String expectedInMessage) throws IOException {
        JsonNode doc = parse(sbom.write(fixed()));
        mutation.accept(doc);
        byte[] broken = JSON.writeValueAsBytes(doc);
        assertThatThrownBy(() -> SpdxPackageSbom.validate(broken))
                .isInstanceOf(AttestException.class)
                .hasMessageContaining(expectedInMessage);
    }

    @Test
    void badInputIsRejectedWithTheField() {
        assertThatThrownBy(() -> input("MIT", "x86_64", "xyz"))
                .isInstanceOf(AttestException.class)
                .hasMessageContaining("dataHash")
                .hasMessageContaining("xyz");
        assertThatThrownBy(() -> new PackageSbomInput(
                        "my-distro",
                        "a",
                        "1-r0",
                        "x86_64",
                        null,
                        null,
                        "a.yaml",
                        null,
                        List.of(),
                        DATA_HASH,
                        0,
                        "0.1.0"))
                .isInstanceOf(AttestException.class)
                .hasMessageContaining("namespace");
        assertThatThrownBy(() -> new SourceRef("a", "1", "https://example.org/a.tar.gz"))
                .isInstanceOf(AttestException.class)
                .hasMessageContaining("pkg:");
    }

    @Test
    void purlAndPathHelpers() {
        assertThat(SpdxPackageSbom.apkPurl("Kiln", "Foo", "1.0+git-r2", "aarch64"))
                .isEqualTo("pkg:apk/kiln/foo@1.0%2Bgit-r2?arch=aarch64&distro=kiln");
        assertThat(SpdxPackageSbom.pathInPackage("curl", "8.10.1-r0"))
                .isEqualTo("var/lib/db/sbom/curl-8.10.1-r0.spdx.json");
    }
}
