package dev.kiln.vuln.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.testkit.Trivy;
import dev.kiln.vuln.version.Ecosystem;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kiln's inventory of {@link MixedRoot} against trivy's (the build in {@link Trivy#PLUGINS}, offline): the
 * package sets agree, package by package and version by version, except for the differences listed in
 * {@link #KILN_ONLY}, each with its reason.
 */
class TrivyComparisonIT {
    static final Path ROOT =
            Path.of(System.getProperty("kiln.repo.root", "..")).toAbsolutePath().normalize();

    /** What Kiln reports and trivy does not, and why. */
    static final Map<String, String> KILN_ONLY = Map.of(
            "pypi:jinja2@3.1.2",
                    "a Debian-owned Python package: trivy skips files dpkg owns; Kiln keeps it, linked"
                            + " to its owner python3-jinja2, so a fix in the Debian package suppresses the PyPI finding",
            "maven:org.example:plain@1.4",
                    "coordinates from the manifest alone: trivy reports them only after its"
                            + " Java database confirms they exist, and the offline database here is empty",
            "golang:stdlib@1.16.15",
                    "the Go toolchain of a binary: this trivy build reports none for the pre-1.18"
                            + " build-info format");

    @TempDir
    Path tmp;

    @Test
    void kilnAndTrivyFindTheSamePackages() throws Exception {
        Trivy.require();
        Path root = MixedRoot.write(tmp.resolve("root"));
        Path sbom = tmp.resolve("trivy.cdx.json");
        Trivy.install(ROOT).rootfsCycloneDx(root, sbom);

        Set<String> trivy = new TreeSet<>();
        for (JsonNode c : new ObjectMapper().readTree(sbom.toFile()).path("components")) {
            String purl = c.path("purl").asText("");
            if (!purl.isEmpty()) {
                trivy.add(key(purl));
            }
        }
        Inventory inv = Inventories.of(Rootfs.ofDirectory(root));
        Set<String> kiln = new TreeSet<>();
        for (InventoryPackage p : inv.packages()) {
            if (p.purl() != null) {
                kiln.add(key(p.purl()));
            }
        }

        Set<String> kilnOnly = new TreeSet<>(kiln);
        kilnOnly.removeAll(trivy);
        Set<String> trivyOnly = new TreeSet<>(trivy);
        trivyOnly.removeAll(kiln);
        assertThat(trivyOnly)
                .as("packages trivy finds and Kiln misses (Kiln: %s)", kiln)
                .isEmpty();
        assertThat(kilnOnly).as("packages only Kiln reports (trivy: %s)", trivy).isEqualTo(KILN_ONLY.keySet());
        assertThat(trivy)
                .as("the comparison covers every cataloger")
                .contains(
                        "deb:libexpat1@2.5.0-1",
                        "deb:login@1:4.13+dfsg1-1+b1",
                        "maven:com.example:app@1.0",
                        "maven:org.yaml:snakeyaml@1.33",
                        "maven:org.apache.commons:commons-lang3@3.12.0",
                        "pypi:six@1.16.0",
                        "npm:lodash@4.17.21",
                        "golang:golang.org/x/text@v0.3.7");

        // archives that name no coordinates: neither invents a package; Kiln reports the file and its SHA-1
        assertThat(inv.of(Ecosystem.MAVEN))
                .filteredOn(p -> p.purl() == null)
                .extracting(InventoryPackage::name)
                .containsExactlyInAnyOrder("jna-5.13.0.jar", "jrt-fs.jar");
        InventoryPackage jinja = inv.of(Ecosystem.PYPI).stream()
                .filter(p -> p.name().equals("jinja2"))
                .findFirst()
                .orElseThrow();
        assertThat(inv.owners().get(jinja).name()).isEqualTo("python3-jinja2");
    }

    /**
     * {@code TYPE:NAME@VERSION} of a purl, decoded, with the Maven group and artifact joined by ':' and a Debian
     * epoch (trivy's {@code epoch=} qualifier) written in the version as dpkg does.
     */
    static String key(String purl) {
        String rest = purl.substring("pkg:".length());
        String query = rest.contains("?") ? rest.substring(rest.indexOf('?') + 1) : "";
        rest = rest.contains("?") ? rest.substring(0, rest.indexOf('?')) : rest;
        String type = rest.substring(0, rest.indexOf('/'));
        String path = rest.substring(rest.indexOf('/') + 1);
        String version = decode(path.substring(path.lastIndexOf('@') + 1));
        String name = decode(path.substring(0, path.lastIndexOf('@')));
        if (type.equals("deb") || type.equals("apk")) {
            name = name.substring(name.indexOf('/') + 1); // the distribution namespace is compared elsewhere
            for (String q : query.split("&")) {
                if (q.startsWith("epoch=")) {
                    version = q.substring(6) + ":" + version;
                }
            }
        } else if (type.equals("maven")) {
            name = name.replace('/', ':');
        }
        return type + ":" + name + "@" + version;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
