package dev.kiln.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.cyclonedx.Version;
import org.cyclonedx.exception.ParseException;
import org.cyclonedx.parsers.JsonParser;
import org.jspecify.annotations.Nullable;
import org.spdx.tools.SpdxToolsHelper;
import org.spdx.tools.SpdxToolsHelper.SerFileType;
import org.spdx.tools.Verify;

/**
 * The independent validators every SBOM Kiln writes must pass (README "SBOMs"): SPDX tools-java's
 * {@code Verify} (the SPDX 2.3 JSON schema, then the model's own checks) run offline, and
 * cyclonedx-core-java's validation against the CycloneDX 1.6 JSON schema, whose objects admit no
 * undeclared properties. Beside them, the NTIA minimum elements as Kiln reads them: every
 * component with a name, a version, a supplier and a purl; an author and a timestamp; relationships.
 *
 * <p>Modules that call this declare {@code org.spdx:tools-java} and {@code org.cyclonedx:cyclonedx-core-java}
 * in test scope themselves: the testkit keeps them optional so that other modules' test class paths do
 * not grow.
 */
public final class SbomValidators {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SbomValidators() {}

    /** Fails with every finding of SPDX tools-java {@code Verify} and of the NTIA check, and the document. */
    public static void assertValidSpdx(byte[] json) {
        List<String> problems = new ArrayList<>(spdxToolsVerify(json));
        problems.addAll(ntiaSpdx(json));
        fail("SPDX", problems, json);
    }

    /** Fails with every schema finding and NTIA finding, and the document. */
    public static void assertValidCycloneDx(byte[] json) {
        List<String> problems = new ArrayList<>(cycloneDxSchema(json));
        problems.addAll(ntiaCycloneDx(json));
        fail("CycloneDX", problems, json);
    }

    /**
     * What {@code java -DSPDXParser.OnlyUseLocalLicenses=true -jar tools-java-2.0.1-jar-with-dependencies.jar
     * Verify FILE} reports; empty when the document is valid.
     */
    public static synchronized List<String> spdxToolsVerify(byte[] json) {
        // the licence list inside the jar: no network, and the same answer on every run
        System.setProperty("SPDXParser.OnlyUseLocalLicenses", "true");
        SpdxToolsHelper.initialize(); // registers the SPDX 2 and 3 models, as Verify.main does
        Path file = null;
        try {
            file = Files.createTempFile("kiln-sbom", ".spdx.json");
            Files.write(file, json);
            return Verify.verify(file.toString(), SerFileType.JSON);
        } catch (Exception e) {
            return List.of("SPDX tools-java could not read the document: " + e);
        } finally {
            deleteQuietly(file);
        }
    }

    /** The CycloneDX 1.6 JSON schema findings (formats and enums included); empty when valid. */
    public static List<String> cycloneDxSchema(byte[] json) {
        try {
            return new JsonParser()
                    .validate(json, Version.VERSION_16).stream()
                            .map(ParseException::getMessage)
                            .toList();
        } catch (IOException e) {
            return List.of("not JSON: " + e.getMessage());
        }
    }

    /** NTIA minimum elements of an SPDX 2.3 document; empty when all are there. */
    public static List<String> ntiaSpdx(byte[] json) {
        JsonNode doc = parse(json);
        List<String> problems = new ArrayList<>();
        JsonNode info = doc.path("creationInfo");
        require(problems, "creationInfo", info, "created");
        boolean author = false;
        for (JsonNode c : info.path("creators")) {
            author |= c.asText().startsWith("Organization: ") || c.asText().startsWith("Person: ");
        }
        if (!author) {
            problems.add("creationInfo.creators: no Organization or Person (the SBOM's author), found "
                    + info.path("creators"));
        }
        for (JsonNode p : doc.path("packages")) {
            String where = "package " + p.path("SPDXID").asText();
            require(problems, where, p, "name");
            require(problems, where, p, "versionInfo");
            String supplier = p.path("supplier").asText("");
            if (!supplier.startsWith("Organization: ") && !supplier.startsWith("Person: ")) {
                problems.add(where + ": supplier must name an Organization or Person, found '" + supplier + "'");
            }
            boolean purl = false;
            for (JsonNode ref : p.path("externalRefs")) {
                purl |= ref.path("referenceType").asText().equals("purl")
                        && ref.path("referenceLocator").asText().startsWith("pkg:");
            }
            if (!purl) {
                problems.add(where + ": no purl external reference");
            }
        }
        if (doc.path("relationships").isEmpty()) {
            problems.add("relationships: none");
        }
        return problems;
    }

    /** NTIA minimum elements of a CycloneDX 1.6 document; empty when all are there. */
    public static List<String> ntiaCycloneDx(byte[] json) {
        JsonNode bom = parse(json);
        List<String> problems = new ArrayList<>();
        JsonNode meta = bom.path("metadata");
        require(problems, "metadata", meta, "timestamp");
        if (meta.path("authors").isEmpty()
                || meta.path("authors").path(0).path("name").asText("").isBlank()) {
            problems.add("metadata.authors: none with a name");
        }
        component(problems, "metadata.component", meta.path("component"));
        Set<String> refs = new HashSet<>();
        List<JsonNode> all = new ArrayList<>();
        flatten(bom.path("components"), all);
        for (JsonNode c : all) {
            String where =
                    "component " + c.path("bom-ref").asText(c.path("name").asText());
            component(problems, where, c);
            if (!refs.add(c.path("bom-ref").asText())) {
                problems.add(where + ": bom-ref is not unique");
            }
        }
        if (bom.path("dependencies").isEmpty()) {
            problems.add("dependencies: none");
        }
        return problems;
    }

    private static void component(List<String> problems, String where, JsonNode c) {
        if (c.isMissingNode()) {
            problems.add(where + ": missing");
            return;
        }
        require(problems, where, c, "name");
        require(problems, where, c, "version");
        require(problems, where, c, "purl");
        if (c.path("supplier").path("name").asText("").isBlank()) {
            problems.add(where + ": no supplier name");
        }
    }

    private static void flatten(JsonNode components, List<JsonNode> out) {
        for (JsonNode c : components) {
            out.add(c);
            flatten(c.path("components"), out);
        }
    }

    private static void require(List<String> problems, String where, JsonNode node, String field) {
        if (node.path(field).asText("").isBlank()) {
            problems.add(where + ": no " + field);
        }
    }

    private static JsonNode parse(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("SBOM is not JSON: " + e.getMessage(), e);
        }
    }

    private static void fail(String format, List<String> problems, byte[] json) {
        if (!problems.isEmpty()) {
            throw new AssertionError(format + " document has " + problems.size() + " problem(s):\n  "
                    + String.join("\n  ", problems) + "\n" + new String(json, StandardCharsets.UTF_8));
        }
    }

    private static void deleteQuietly(@Nullable Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a temporary file left behind does not change the verdict
            }
        }
    }
}
