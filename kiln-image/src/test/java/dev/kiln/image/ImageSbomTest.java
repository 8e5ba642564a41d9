package dev.kiln.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.attest.PackageSbomInput;
import dev.kiln.attest.SourceRef;
import dev.kiln.attest.SpdxPackageSbom;
import dev.kiln.oci.OciArchive;
import dev.kiln.testkit.TestPackages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.cyclonedx.Version;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageSbomTest {
    @TempDir
    Path tmp;

    @Test
    void composesValidSpdxAndCycloneDxFromEmbeddedSboms() throws Exception {
        byte[] helloSbom = new SpdxPackageSbom().write(new PackageSbomInput("kiln", "hello", "2.12-r0", "x86_64",
                "GPL-3.0-or-later", null, "hello.yaml", "abc123", List.of(new SourceRef("hello", "2.12",
                "pkg:generic/hello@2.12?download_url=https://ftp.gnu.org/gnu/hello/hello-2.12.tar.gz")),
                "0".repeat(64), 0, "0.1.0"));
        Path repo = tmp.resolve("repo");
        TestPackages.publish(repo, "x86_64", Fixtures.KEY, List.of(
                TestPackages.apk("kiln-baselayout", "1.0-r0").builddate(Fixtures.BUILD_DATE)
                        .file("etc/os-release", "ID=kiln\nNAME=\"Kiln\"\nVERSION_ID=\"2025\"\n", 0644),
                TestPackages.apk("libc", "2.40-r1").provides("so:libc.so.6=6").file("usr/lib/libc.so.6", "c", 0755),
                TestPackages.apk("hello", "2.12-r0").builddate(Fixtures.BUILD_DATE).depends("so:libc.so.6")
                        .license("GPL-3.0-or-later").file("usr/bin/hello", "h", 0755)
                        .file(SpdxPackageSbom.pathInPackage("hello", "2.12-r0"), helloSbom, 0644)));
        Fixtures.publicKey(tmp);
        ImageBuild build = new ImageBuilder(Clock.systemUTC()).build(
                ImageSpecLoader.load(Fixtures.config(tmp, ImageBuilderTest.HELLO)),
                new BuildOptions(null, null, null, null, tmp));
        ArchImage img = build.archs().get(0);
        ImageSbom sbom = new ImageSbom(img.tree(), SbomSubject.of("kiln.dev/hello", img));

        byte[] spdx = sbom.spdx();
        SpdxPackageSbom.validate(spdx);
        JsonNode doc = new ObjectMapper().readTree(spdx);
        List<String> ids = new ArrayList<>();
        doc.path("packages").forEach(p -> ids.add(p.path("SPDXID").asText()));
        assertThat(ids).contains("SPDXRef-OperatingSystem-kiln", "SPDXRef-Package-apk-hello-2.12-r0",
                "SPDXRef-Package-apk-libc-2.40-r1", "SPDXRef-Package-apk-hello-2.12-r0-Recipe");
        String text = new String(spdx, StandardCharsets.UTF_8);
        assertThat(text).contains("pkg:apk/kiln/hello@2.12-r0?arch=x86_64&distro=kiln-2025")
                .contains("synthesized by kiln").contains("\"DEPENDS_ON\"").doesNotContain("OPERATING-SYSTEM");
        doc.path("packages").forEach(p -> assertThat(p.has("supplier")).as(p.toString()).isTrue());

        byte[] cdx = sbom.cyclonedx();
        assertThat(new JsonParser().validate(cdx, Version.VERSION_16)).isEmpty();
        assertThat(new JsonParser().isValid(cdx, Version.VERSION_16)).isTrue();
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
}
