package dev.kiln.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.attest.Attestation;
import dev.kiln.attest.PackageSbomInput;
import dev.kiln.attest.PredicateTypes;
import dev.kiln.attest.SourceRef;
import dev.kiln.attest.SpdxPackageSbom;
import dev.kiln.content.Digest;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.OciArchive;
import dev.kiln.oci.OciLayout;
import dev.kiln.testkit.SbomValidators;
import dev.kiln.testkit.TestPackages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageSbomTest {
    @TempDir
    Path tmp;

    @Test
    void composesValidSpdxAndCycloneDxFromEmbeddedSboms() throws Exception {
        ImageBuild build = buildHello("GPL-3.0-or-later", "MIT");
        ArchImage img = build.archs().get(0);
        ImageSbom sbom = new ImageSbom(img.tree(), SbomSubject.of("kiln.dev/hello", img));

        byte[] spdx = sbom.spdx();
        SpdxPackageSbom.validate(spdx);
        SbomValidators.assertValidSpdx(spdx);
        JsonNode doc = new ObjectMapper().readTree(spdx);
        List<String> ids = new ArrayList<>();
        doc.path("packages").forEach(p -> ids.add(p.path("SPDXID").asText()));
        assertThat(ids)
                .contains(
                        "SPDXRef-OperatingSystem-kiln",
                        "SPDXRef-Package-apk-hello-2.12-r0",
                        "SPDXRef-Package-apk-libc-2.40-r1",
                        "SPDXRef-Package-apk-hello-2.12-r0-Recipe");
        String text = new String(spdx, StandardCharsets.UTF_8);
        assertThat(text)
                .contains("pkg:apk/kiln/hello@2.12-r0?arch=x86_64&distro=kiln-2025")
                .contains("synthesized by kiln")
                .contains("\"DEPENDS_ON\"")
                .doesNotContain("OPERATING-SYSTEM");
        doc.path("packages")
                .forEach(p -> assertThat(p.has("supplier")).as(p.toString()).isTrue());

        byte[] cdx = sbom.cyclonedx();
        SbomValidators.assertValidCycloneDx(cdx);
        JsonNode bom = new ObjectMapper().readTree(cdx);
        assertThat(bom.path("metadata").path("component").path("type").asText()).isEqualTo("container");
        assertThat(bom.path("components")).hasSize(4);

        // the same SBOM comes back from the written image alone
        Path archive = tmp.resolve("img.tar");
        new OciArchive(archive).write(build.images(), "latest");
        var readBack = new OciArchive(archive).read("latest").images().get(0);
        ImageSbom again = new ImageSbom(ImageTrees.read(readBack), SbomSubject.of("kiln.dev/hello", img));
        assertThat(again.spdx()).isEqualTo(spdx);
        assertThat(again.cyclonedx()).isEqualTo(cdx);
    }

    @Test
    void spdxToolsFindsNoProblems() throws Exception {
        // hello's own SBOM and libc's index entry (libc has no SBOM) both name licences off the SPDX list
        ImageBuild build = buildHello(
                "GPL-3.0-or-later AND Custom Licence_v2", "Custom Licence_v2 OR GPL-2.0-or-later LGPL-2.1-or-later");
        ArchImage img = build.archs().get(0);
        byte[] spdx = new ImageSbom(img.tree(), SbomSubject.of("kiln.dev/hello", img)).spdx();

        SbomValidators.assertValidSpdx(spdx);
        SpdxPackageSbom.validate(spdx);
        JsonNode doc = new ObjectMapper().readTree(spdx);
        Map<String, String> declared = new HashMap<>();
        doc.path("packages")
                .forEach(p -> declared.put(
                        p.path("SPDXID").asText(), p.path("licenseDeclared").asText()));
        assertThat(declared)
                .containsEntry(
                        "SPDXRef-Package-apk-hello-2.12-r0", "GPL-3.0-or-later AND LicenseRef-Custom-Licence-v2");
        // same id, different definition (hello's comes from its recipe): libc's gets its own id
        assertThat(declared)
                .containsEntry(
                        "SPDXRef-Package-apk-libc-2.40-r1",
                        "LicenseRef-Custom-Licence-v2-2 OR LicenseRef-GPL-2.0-or-later-LGPL-2.1-or-later");
        List<String> defined = new ArrayList<>();
        doc.path("hasExtractedLicensingInfos")
                .forEach(x -> defined.add(x.path("licenseId").asText()));
        assertThat(defined)
                .containsExactly(
                        "LicenseRef-Custom-Licence-v2",
                        "LicenseRef-Custom-Licence-v2-2",
                        "LicenseRef-GPL-2.0-or-later-LGPL-2.1-or-later");

        // CycloneDX cannot define LicenseRefs: text off the SPDX list stays a named licence
        byte[] cdx = new ImageSbom(img.tree(), SbomSubject.of("kiln.dev/hello", img)).cyclonedx();
        SbomValidators.assertValidCycloneDx(cdx);
        Map<String, JsonNode> licences = new HashMap<>();
        new ObjectMapper()
                .readTree(cdx)
                .path("components")
                .forEach(c ->
                        licences.put(c.path("name").asText(), c.path("licenses").path(0)));
        assertThat(licences.get("libc").path("license").path("name").asText())
                .isEqualTo("Custom Licence_v2 OR GPL-2.0-or-later LGPL-2.1-or-later");
        assertThat(licences.get("libc").has("expression")).isFalse();
    }

    /** Pins the bytes of both documents, so a change to either writer's output is a deliberate one. */
    @Test
    void goldenDigestsArePinned() throws Exception {
        Clock clock = Clock.fixed(Instant.ofEpochSecond(Fixtures.BUILD_DATE), ZoneOffset.UTC);
        ArchImage img = buildHello("GPL-3.0-or-later", "MIT AND Frobnitz-1.0", clock)
                .archs()
                .get(0);
        // the layer and manifest digests depend on the test's temporary folder (named in the image's
        // repositories file), so the subject is fixed here
        SbomSubject subject = new SbomSubject(
                "kiln.dev/hello:latest",
                Digest.sha256("manifest".getBytes(StandardCharsets.UTF_8)),
                img.platform(),
                List.of(Descriptor.of(
                        "application/vnd.oci.image.layer.v1.tar+gzip", "layer".getBytes(StandardCharsets.UTF_8))),
                Fixtures.BUILD_DATE);
        ImageSbom sbom = new ImageSbom(img.tree(), subject);
        byte[] spdx = sbom.spdx();
        byte[] cdx = sbom.cyclonedx();
        assertSoftly(softly -> {
            softly.assertThat(Digest.sha256(spdx).hex())
                    .as(new String(spdx, StandardCharsets.UTF_8))
                    .isEqualTo("49dfbdd75b4a688d5f5b8e5f601d3985b18e59b9b58968e1d3142a2d93705108");
            softly.assertThat(Digest.sha256(cdx).hex())
                    .as(new String(cdx, StandardCharsets.UTF_8))
                    .isEqualTo("239b907d654f16fef89679aaf4091169579e01a6a18202ad616955b638fbe012");
        });
    }

    @Test
    void cycloneDxLicencesOnTheSpdxListAreExpressions() throws Exception {
        ImageBuild build = buildHello("GPL-3.0-or-later", "MIT OR Apache-2.0");
        ArchImage img = build.archs().get(0);
        byte[] cdx = new ImageSbom(img.tree(), SbomSubject.of("kiln.dev/hello", img)).cyclonedx();
        Map<String, String> expressions = new HashMap<>();
        new ObjectMapper()
                .readTree(cdx)
                .path("components")
                .forEach(c -> expressions.put(
                        c.path("name").asText(),
                        c.path("licenses").path(0).path("expression").asText()));
        assertThat(expressions).containsEntry("hello", "GPL-3.0-or-later").containsEntry("libc", "MIT OR Apache-2.0");
    }

    @Test
    void dependenciesNameThePackageThatProvidesThem() throws Exception {
        // hello depends on so:libc.so.6, which libc provides
        ArchImage img = buildHello("GPL-3.0-or-later", "MIT").archs().get(0);
        ImageSbom sbom = new ImageSbom(img.tree(), SbomSubject.of("kiln.dev/hello", img));
        Map<String, String> purls = new HashMap<>();
        sbom.packages().forEach(e -> purls.put(e.name(), sbom.purl(e)));
        Map<String, List<String>> dependsOn = new HashMap<>();
        new ObjectMapper().readTree(sbom.cyclonedx()).path("dependencies").forEach(d -> {
            List<String> on = new ArrayList<>();
            d.path("dependsOn").forEach(x -> on.add(x.asText()));
            dependsOn.put(d.path("ref").asText(), on);
        });
        assertThat(dependsOn)
                .containsEntry(purls.get("hello"), List.of(purls.get("libc")))
                .containsEntry(purls.get("libc"), List.of());
        List<String> spdxDepends = new ArrayList<>();
        new ObjectMapper().readTree(sbom.spdx()).path("relationships").forEach(r -> {
            if (r.path("relationshipType").asText().equals("DEPENDS_ON")) {
                spdxDepends.add(r.path("spdxElementId").asText() + " -> "
                        + r.path("relatedSpdxElement").asText());
            }
        });
        assertThat(spdxDepends).contains("SPDXRef-Package-apk-hello-2.12-r0 -> SPDXRef-Package-apk-libc-2.40-r1");
    }

    @Test
    void everyElementHasAVersionSupplierPurlAndTheBuildTime() throws Exception {
        ImageBuild build = buildHello("GPL-3.0-or-later", "MIT");
        ArchImage img = build.archs().get(0);
        ImageSbom sbom = new ImageSbom(img.tree(), SbomSubject.of("kiln.dev/hello", img));
        ObjectMapper json = new ObjectMapper();
        // the image was made when its newest package was built (images.md §4), not in 1970
        String created = "2023-11-14T22:13:20Z";
        assertThat(img.image().parsedConfig().created()).isEqualTo(created);

        JsonNode doc = json.readTree(sbom.spdx());
        assertThat(doc.at("/creationInfo/created").asText()).isEqualTo(created);
        Map<String, JsonNode> byId = new HashMap<>();
        doc.path("packages").forEach(p -> byId.put(p.path("SPDXID").asText(), p));
        Digest layer = img.layers().get(0).blob().descriptor().digest();
        JsonNode layerPackage =
                byId.get("SPDXRef-Package-ImageLayer-" + layer.hex().substring(0, 16));
        assertThat(layerPackage.at("/externalRefs/0/referenceLocator").asText())
                .isEqualTo("pkg:oci/hello@" + layer
                        + "?arch=amd64&mediatype=application%2Fvnd.oci.image.layer.v1.tar%2Bgzip&os=linux"
                        + "&repository_url=kiln.dev%2Fhello");
        JsonNode os = byId.get("SPDXRef-OperatingSystem-kiln");
        assertThat(os.at("/externalRefs/0/referenceLocator").asText()).isEqualTo("pkg:generic/kiln@2025");
        JsonNode recipe = byId.get("SPDXRef-Package-apk-hello-2.12-r0-Recipe");
        assertThat(recipe.get("versionInfo").asText()).isEqualTo("abc123");
        assertThat(recipe.at("/externalRefs/0/referenceLocator").asText())
                .isEqualTo("pkg:generic/kiln/hello.yaml@abc123");
        assertThat(SbomValidators.ntiaSpdx(sbom.spdx())).isEmpty();

        JsonNode bom = json.readTree(sbom.cyclonedx());
        assertThat(bom.at("/metadata/timestamp").asText()).isEqualTo(created);
        assertThat(bom.at("/metadata/authors/0/name").asText()).isEqualTo("Kiln");
        assertThat(bom.at("/metadata/component/supplier/name").asText()).isEqualTo("Kiln");
        assertThat(bom.at("/components/0/type").asText()).isEqualTo("operating-system");
        assertThat(bom.at("/components/0/supplier/name").asText()).isEqualTo("Kiln");
        assertThat(bom.at("/components/0/purl").asText()).isEqualTo("pkg:generic/kiln@2025");
        assertThat(SbomValidators.ntiaCycloneDx(sbom.cyclonedx())).isEmpty();
    }

    @Test
    void anImageReadBackIsNamedByItsReferenceAndDatedByItsConfig() throws Exception {
        ImageBuild build = buildHello("GPL-3.0-or-later", "MIT");
        Path layout = tmp.resolve("bb");
        new OciLayout(layout).write(build.images(), "busybox:latest");
        var image = new OciLayout(layout).read(null).images().get(0);

        ImageSbom sbom = new ImageSbom(ImageTrees.read(image), SbomSubject.of("busybox:latest", image));
        JsonNode bom = new ObjectMapper().readTree(sbom.cyclonedx());
        // the tag is a qualifier, not part of the name
        assertThat(bom.at("/metadata/component/purl").asText())
                .startsWith("pkg:oci/busybox@sha256:")
                .endsWith("&os=linux&tag=latest");
        assertThat(bom.at("/metadata/timestamp").asText()).isEqualTo("2023-11-14T22:13:20Z");
        assertThat(sbom.spdx())
                .isEqualTo(new ImageSbom(
                                build.archs().get(0).tree(),
                                SbomSubject.of("busybox:latest", build.archs().get(0)))
                        .spdx());
    }

    @Test
    void theAttestedSbomIsTheImageSpdxDocumentAndValid() throws Exception {
        ImageBuild build = buildHello("GPL-3.0-or-later", "MIT");
        List<Attestation> attestations = ImageProvenance.attestations(build, tmp.resolve("image.yaml"), "hello");
        Attestation spdx = attestations.stream()
                .filter(a -> a.predicateType().equals(PredicateTypes.SPDX))
                .findFirst()
                .orElseThrow();
        SbomValidators.assertValidSpdx(spdx.predicate());
        assertThat(spdx.predicate())
                .isEqualTo(new ImageSbom(
                                build.archs().get(0).tree(),
                                SbomSubject.of("hello", build.archs().get(0)))
                        .spdx());
    }

    /** An image of hello (with its embedded package SBOM) on libc (without one) and the base layout. */
    private ImageBuild buildHello(String helloLicense, String libcLicense) throws Exception {
        return buildHello(helloLicense, libcLicense, Clock.systemUTC());
    }

    private ImageBuild buildHello(String helloLicense, String libcLicense, Clock clock) throws Exception {
        byte[] helloSbom = new SpdxPackageSbom()
                .write(new PackageSbomInput(
                        "kiln",
                        "hello",
                        "2.12-r0",
                        "x86_64",
                        helloLicense,
                        null,
                        "hello.yaml",
                        "abc123",
                        List.of(new SourceRef(
                                "hello",
                                "2.12",
                                "pkg:generic/hello@2.12?download_url=https://ftp.gnu.org/gnu/hello/hello-2.12.tar.gz")),
                        "0".repeat(64),
                        0,
                        "0.1.0"));
        Path repo = tmp.resolve("repo");
        TestPackages.publish(
                repo,
                "x86_64",
                Fixtures.KEY,
                List.of(
                        TestPackages.apk("kiln-baselayout", "1.0-r0")
                                .builddate(Fixtures.BUILD_DATE)
                                .file("etc/os-release", "ID=kiln\nNAME=\"Kiln\"\nVERSION_ID=\"2025\"\n", 0644),
                        TestPackages.apk("libc", "2.40-r1")
                                .provides("so:libc.so.6=6")
                                .license(libcLicense)
                                .file("usr/lib/libc.so.6", "c", 0755),
                        TestPackages.apk("hello", "2.12-r0")
                                .builddate(Fixtures.BUILD_DATE)
                                .depends("so:libc.so.6")
                                .license(helloLicense)
                                .file("usr/bin/hello", "h", 0755)
                                .file(SpdxPackageSbom.pathInPackage("hello", "2.12-r0"), helloSbom, 0644)));
        Fixtures.publicKey(tmp);
        return new ImageBuilder(clock)
                .build(
                        ImageSpecLoader.load(Fixtures.config(tmp, ImageBuilderTest.HELLO)),
                        new ImageBuildOptions(null, null, null, null, tmp));
    }
}
