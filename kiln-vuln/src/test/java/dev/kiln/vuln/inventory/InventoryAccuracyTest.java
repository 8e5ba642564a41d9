package dev.kiln.vuln.inventory;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.attest.SpdxPackageSbom;
import dev.kiln.content.Hashing;
import dev.kiln.vuln.report.InventorySboms;
import dev.kiln.vuln.version.Ecosystem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.cyclonedx.Version;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the inventory finds on {@link MixedRoot}: each case of issue 15 that is about finding packages. */
class InventoryAccuracyTest {
    @TempDir
    Path tmp;

    Path root;
    Inventory inv;

    @BeforeEach
    void inventory() throws Exception {
        root = MixedRoot.write(tmp.resolve("root"));
        inv = Inventories.of(Rootfs.ofDirectory(root));
    }

    private Map<String, InventoryPackage> byName(Ecosystem e) {
        return inv.of(e).stream().collect(Collectors.toMap(InventoryPackage::name, Function.identity(), (a, b) -> a));
    }

    @Test
    void springBootFullyExecutableJarIsReadThroughItsCentralDirectory() {
        assertThat(inv.of(Ecosystem.MAVEN))
                .filteredOn(p -> p.evidence().get(0).startsWith("opt/app/app.jar!"))
                .extracting(p -> p.name() + "@" + p.version())
                .containsExactlyInAnyOrder("com.example:app@1.0", "org.yaml:snakeyaml@1.33");
    }

    @Test
    void storedEntriesWithDataDescriptorsAreRead() {
        assertThat(byName(Ecosystem.MAVEN)
                        .get("org.apache.commons:commons-lang3")
                        .purl())
                .isEqualTo("pkg:maven/org.apache.commons/commons-lang3@3.12.0");
    }

    @Test
    void shadedAndWarNestedJarsKeepEveryPackage() {
        assertThat(inv.of(Ecosystem.MAVEN))
                .extracting(p -> p.name() + "@" + p.version())
                .contains(
                        "com.example:shaded@2.0",
                        "com.google.guava:guava@31.0-jre",
                        "com.google.guava:guava@32.0.1-jre");
    }

    @Test
    void manifestWithoutPlausibleCoordinatesReportsTheFileAndItsSha1() throws Exception {
        Map<String, InventoryPackage> maven = byName(Ecosystem.MAVEN);
        assertThat(maven).doesNotContainKeys("com.sun.jna", "Java Runtime Environment");
        InventoryPackage jna = maven.get("jna-5.13.0.jar");
        assertThat(jna.purl()).isNull();
        assertThat(jna.version()).isEqualTo("5.13.0");
        assertThat(jna.sha1()).isEqualTo(Hashing.sha1Hex(Files.readAllBytes(root.resolve("opt/app/jna-5.13.0.jar"))));
        InventoryPackage jrt = maven.get("jrt-fs.jar");
        assertThat(jrt.purl()).isNull();
        assertThat(jrt.sha1()).hasSize(40);
        assertThat(inv.packages())
                .extracting(InventoryPackage::purl)
                .filteredOn(p -> p != null)
                .noneMatch(p -> p.contains("%20") || p.contains("(") || p.contains("Java"));
        // a manifest with a group, an artifact id (from the file name) and a release-style version is used
        assertThat(maven.get("org.example:plain").purl()).isEqualTo("pkg:maven/org.example/plain@1.4");
    }

    @Test
    void pythonEggsAreFound() {
        assertThat(byName(Ecosystem.PYPI)).containsKeys("six", "requests", "jinja2");
        assertThat(byName(Ecosystem.PYPI).get("six").evidence())
                .containsExactly("usr/local/lib/python3.11/dist-packages/six-1.16.0-py3.11.egg/EGG-INFO/PKG-INFO");
    }

    @Test
    void zippedEggIsFound() throws Exception {
        MixedRoot.file(
                root,
                "usr/lib/python3/site-packages/attrs-23.1.0-py3.11.egg",
                MixedRoot.jar(
                        Map.of(
                                "EGG-INFO/PKG-INFO",
                                "Metadata-Version: 1.1\nName: attrs\nVersion: 23.1.0\n".getBytes(UTF_8)),
                        false));
        Inventory again = Inventories.of(Rootfs.ofDirectory(root));
        assertThat(again.of(Ecosystem.PYPI))
                .extracting(p -> p.name() + "@" + p.version() + " " + p.evidence())
                .contains("attrs@23.1.0 [usr/lib/python3/site-packages/attrs-23.1.0-py3.11.egg!/EGG-INFO/PKG-INFO]");
    }

    @Test
    void dpkgPackagesInEveryOnDiskStateAreReportedWithTheirState() {
        Map<String, InventoryPackage> debs = byName(Ecosystem.DEBIAN);
        assertThat(debs.keySet())
                .containsExactlyInAnyOrder(
                        "libc6", "login", "python3-jinja2", "libgcrypt20", "libpam0g", "libssl3", "libexpat1");
        assertThat(debs.get("libgcrypt20").status()).isNull(); // triggers-pending: configured
        assertThat(debs.get("libpam0g").status()).isNull(); // triggers-awaited: configured
        assertThat(debs.get("libssl3").status()).isEqualTo("half-installed");
        assertThat(debs.get("libexpat1").status()).isEqualTo("unpacked");
    }

    @Test
    void goBinaryWithPre118BuildInfoYieldsStdlibAndModules() {
        assertThat(inv.of(Ecosystem.GO))
                .extracting(p -> p.name() + "@" + p.version() + " " + p.purl())
                .containsExactlyInAnyOrder(
                        "stdlib@1.16.15 pkg:golang/stdlib@1.16.15",
                        "golang.org/x/text@v0.3.7 pkg:golang/golang.org/x/text@v0.3.7");
    }

    @Test
    void purlsFollowTheSpecificationEncoding() {
        Map<String, InventoryPackage> debs = byName(Ecosystem.DEBIAN);
        assertThat(debs.get("login").purl())
                .isEqualTo("pkg:deb/debian/login@1:4.13%2Bdfsg1-1%2Bb1?arch=amd64&distro=debian-12&upstream=shadow");
        assertThat(Purls.of("npm", "@angular", "core", "1.0.0 beta")).isEqualTo("pkg:npm/%40angular/core@1.0.0%20beta");
    }

    /** File-only archives (SHA-1, no version or purl) and dpkg states keep both SBOM formats valid. */
    @Test
    void sbomsOfTheRootValidate() throws Exception {
        Instant created = Instant.parse("2026-12-01T00:00:00Z");
        byte[] cdx = InventorySboms.cyclonedx(inv, "mixed", created);
        assertThat(new JsonParser().validate(cdx, Version.VERSION_16)).isEmpty();
        assertThat(new String(cdx, StandardCharsets.UTF_8)).contains("\"alg\" : \"SHA-1\"");
        SpdxPackageSbom.validate(InventorySboms.spdx(inv, "mixed", created));
    }
}
