package dev.kiln.attest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.attest.AttestException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A structural check of an SPDX 2.3 JSON document against the schema's required fields and enums and
 * the specification's rules that the schema misses (supply-chain.md §1). Written in Java so that
 * writing an SBOM does not need the SPDX tools' dependency tree; the tests check the same documents
 * with SPDX tools-java. It reports every problem at once.
 */
public final class SpdxValidator {

    static final Set<String> PURPOSES = Set.of(
            "APPLICATION",
            "FRAMEWORK",
            "LIBRARY",
            "CONTAINER",
            "OPERATING_SYSTEM",
            "DEVICE",
            "FIRMWARE",
            "SOURCE",
            "ARCHIVE",
            "FILE",
            "INSTALL",
            "OTHER");
    static final Set<String> REFERENCE_CATEGORIES = Set.of("SECURITY", "PACKAGE-MANAGER", "PERSISTENT-ID", "OTHER");
    static final Set<String> CHECKSUM_ALGORITHMS = Set.of(
            "SHA1",
            "SHA224",
            "SHA256",
            "SHA384",
            "SHA512",
            "SHA3-256",
            "SHA3-384",
            "SHA3-512",
            "BLAKE2b-256",
            "BLAKE2b-384",
            "BLAKE2b-512",
            "BLAKE3",
            "MD2",
            "MD4",
            "MD5",
            "MD6",
            "ADLER32");
    static final Set<String> RELATIONSHIP_TYPES = Set.of(
            "DESCRIBES",
            "DESCRIBED_BY",
            "CONTAINS",
            "CONTAINED_BY",
            "DEPENDS_ON",
            "DEPENDENCY_OF",
            "DEPENDENCY_MANIFEST_OF",
            "BUILD_DEPENDENCY_OF",
            "DEV_DEPENDENCY_OF",
            "OPTIONAL_DEPENDENCY_OF",
            "PROVIDED_DEPENDENCY_OF",
            "TEST_DEPENDENCY_OF",
            "RUNTIME_DEPENDENCY_OF",
            "EXAMPLE_OF",
            "GENERATES",
            "GENERATED_FROM",
            "ANCESTOR_OF",
            "DESCENDANT_OF",
            "VARIANT_OF",
            "DISTRIBUTION_ARTIFACT",
            "PATCH_FOR",
            "PATCH_APPLIED",
            "COPY_OF",
            "FILE_ADDED",
            "FILE_DELETED",
            "FILE_MODIFIED",
            "EXPANDED_FROM_ARCHIVE",
            "DYNAMIC_LINK",
            "STATIC_LINK",
            "DATA_FILE_OF",
            "TEST_CASE_OF",
            "BUILD_TOOL_OF",
            "DEV_TOOL_OF",
            "TEST_OF",
            "TEST_TOOL_OF",
            "DOCUMENTATION_OF",
            "OPTIONAL_COMPONENT_OF",
            "METAFILE_OF",
            "PACKAGE_OF",
            "AMENDS",
            "PREREQUISITE_FOR",
            "HAS_PREREQUISITE",
            "REQUIREMENT_DESCRIPTION_FOR",
            "SPECIFICATION_FOR",
            "OTHER");

    private static final Pattern ELEMENT_ID = Pattern.compile("SPDXRef-[A-Za-z0-9.-]+");
    private static final Pattern CREATED = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
    private static final Pattern CREATOR = Pattern.compile("(Tool|Organization|Person): \\S.*");
    private static final Pattern ACTOR = Pattern.compile("NOASSERTION|(Organization|Person|Tool): \\S.*");
    private static final Pattern LICENSE_REF = Pattern.compile("LicenseRef-[A-Za-z0-9.-]+");
    private static final Pattern LICENSE_TOKEN = Pattern.compile("\\(|\\)|AND|OR|WITH|[A-Za-z0-9.-]+\\+?");
    private static final Pattern DOWNLOAD = Pattern.compile("NOASSERTION|NONE|[a-z][a-z0-9+.-]*:\\S+");

    private final List<String> problems = new ArrayList<>();

    private SpdxValidator() {}

    public static void validate(byte[] json) {
        JsonNode doc;
        try {
            doc = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new AttestException("SPDX document is not JSON: " + e.getMessage(), e);
        }
        SpdxValidator v = new SpdxValidator();
        v.document(doc);
        if (!v.problems.isEmpty()) {
            throw new AttestException("SPDX document '" + doc.path("name").asText("?") + "' is invalid: "
                    + String.join("; ", v.problems));
        }
    }

    private void document(JsonNode doc) {
        if (doc == null || !doc.isObject()) {
            problems.add("document: expected a JSON object");
            return;
        }
        expectText(doc, "spdxVersion", "SPDX-2.3");
        expectText(doc, "dataLicense", "CC0-1.0");
        expectText(doc, "SPDXID", "SPDXRef-DOCUMENT");
        requireText(doc, "name", "document");
        String ns = requireText(doc, "documentNamespace", "document");
        if (ns != null) {
            try {
                URI uri = new URI(ns);
                if (uri.getScheme() == null || ns.contains("#")) {
                    problems.add("documentNamespace: expected an absolute URI without '#', found '" + ns + "'");
                }
            } catch (URISyntaxException e) {
                problems.add("documentNamespace: expected a URI, found '" + ns + "'");
            }
        }
        JsonNode info = doc.get("creationInfo");
        if (info == null || !info.isObject()) {
            problems.add("creationInfo: required object missing");
        } else {
            String created = requireText(info, "created", "creationInfo");
            if (created != null && !CREATED.matcher(created).matches()) {
                problems.add("creationInfo.created: expected YYYY-MM-DDThh:mm:ssZ, found '" + created + "'");
            }
            JsonNode creators = info.get("creators");
            if (creators == null || !creators.isArray() || creators.isEmpty()) {
                problems.add("creationInfo.creators: expected a non-empty array");
            } else {
                creators.forEach(c -> {
                    if (!CREATOR.matcher(c.asText()).matches()) {
                        problems.add("creationInfo.creators: expected 'Tool|Organization|Person: NAME', found '"
                                + c.asText() + "'");
                    }
                });
            }
        }

        Set<String> ids = new HashSet<>();
        ids.add("SPDXRef-DOCUMENT");
        Set<String> declaredRefs = new HashSet<>();
        for (JsonNode e : array(doc, "hasExtractedLicensingInfos")) {
            String id = requireText(e, "licenseId", "hasExtractedLicensingInfos[]");
            if (id != null && !LICENSE_REF.matcher(id).matches()) {
                problems.add("hasExtractedLicensingInfos[].licenseId: expected LicenseRef-[A-Za-z0-9.-]+, found '" + id
                        + "'");
            }
            requireText(e, "extractedText", "hasExtractedLicensingInfos[" + id + "]");
            declaredRefs.add(id);
        }
        Set<String> usedRefs = new HashSet<>();
        for (JsonNode p : array(doc, "packages")) {
            pkg(p, ids, usedRefs);
        }
        for (String ref : usedRefs) {
            if (!declaredRefs.contains(ref)) {
                problems.add(ref + ": used in a licence field but missing from hasExtractedLicensingInfos");
            }
        }
        for (JsonNode d : array(doc, "documentDescribes")) {
            if (!ids.contains(d.asText())) {
                problems.add("documentDescribes: '" + d.asText() + "' names no element of the document");
            }
        }
        for (JsonNode r : array(doc, "relationships")) {
            String where = "relationships[" + r.path("spdxElementId").asText() + " "
                    + r.path("relationshipType").asText() + " "
                    + r.path("relatedSpdxElement").asText() + "]";
            String type = requireText(r, "relationshipType", where);
            if (type != null && !RELATIONSHIP_TYPES.contains(type)) {
                problems.add(where + ".relationshipType: unknown value '" + type + "'");
            }
            for (String field : List.of("spdxElementId", "relatedSpdxElement")) {
                String id = requireText(r, field, where);
                if (id != null
                        && !ids.contains(id)
                        && !id.equals("NOASSERTION")
                        && !id.equals("NONE")
                        && !id.startsWith("DocumentRef-")) {
                    problems.add(where + "." + field + ": '" + id + "' names no element of the document");
                }
            }
        }
    }

    private void pkg(JsonNode p, Set<String> ids, Set<String> usedRefs) {
        String id = requireText(p, "SPDXID", "packages[]");
        String where = "packages[" + id + "]";
        if (id != null) {
            if (!ELEMENT_ID.matcher(id).matches()) {
                problems.add(where + ".SPDXID: expected SPDXRef-[A-Za-z0-9.-]+, found '" + id + "'");
            }
            if (!ids.add(id)) {
                problems.add(where + ": duplicate SPDXID");
            }
        }
        requireText(p, "name", where);
        String download = requireText(p, "downloadLocation", where);
        if (download != null && !DOWNLOAD.matcher(download).matches()) {
            problems.add(where + ".downloadLocation: expected a URL, NOASSERTION or NONE, found '" + download + "'");
        }
        JsonNode analyzed = p.get("filesAnalyzed");
        if (analyzed != null && !analyzed.isBoolean()) {
            problems.add(where + ".filesAnalyzed: expected a boolean, found " + analyzed);
        }
        if (analyzed != null && !analyzed.asBoolean() && p.has("packageVerificationCode")) {
            problems.add(where + ": packageVerificationCode must be absent when filesAnalyzed is false");
        }
        if (p.has("primaryPackagePurpose")
                && !PURPOSES.contains(p.get("primaryPackagePurpose").asText())) {
            problems.add(where + ".primaryPackagePurpose: unknown value '"
                    + p.get("primaryPackagePurpose").asText() + "' (expected one of "
                    + new java.util.TreeSet<>(PURPOSES) + ")");
        }
        for (String actor : List.of("supplier", "originator")) {
            if (p.has(actor) && !ACTOR.matcher(p.get(actor).asText()).matches()) {
                problems.add(where + "." + actor + ": expected 'Organization: X', 'Person: Y' or NOASSERTION, found '"
                        + p.get(actor).asText() + "'");
            }
        }
        for (JsonNode c : array(p, "checksums")) {
            String alg = requireText(c, "algorithm", where + ".checksums[]");
            if (alg != null && !CHECKSUM_ALGORITHMS.contains(alg)) {
                problems.add(where + ".checksums[].algorithm: unknown value '" + alg + "'");
            }
            requireText(c, "checksumValue", where + ".checksums[]");
        }
        for (JsonNode r : array(p, "externalRefs")) {
            String cat = requireText(r, "referenceCategory", where + ".externalRefs[]");
            if (cat != null && !REFERENCE_CATEGORIES.contains(cat)) {
                problems.add(where + ".externalRefs[].referenceCategory: unknown value '" + cat + "'");
            }
            String type = requireText(r, "referenceType", where + ".externalRefs[]");
            String locator = requireText(r, "referenceLocator", where + ".externalRefs[]");
            if ("purl".equals(type) && locator != null && !locator.startsWith("pkg:")) {
                problems.add(where + ".externalRefs[purl]: expected 'pkg:...', found '" + locator + "'");
            }
        }
        for (String field : List.of("licenseConcluded", "licenseDeclared")) {
            if (p.has(field)) {
                licence(where + "." + field, p.get(field).asText(), usedRefs);
            }
        }
    }

    private void licence(String where, String expression, Set<String> usedRefs) {
        if (expression.equals("NOASSERTION") || expression.equals("NONE")) {
            return;
        }
        boolean previousOperand = false;
        for (String token :
                expression.replace("(", " ( ").replace(")", " ) ").trim().split("\\s+")) {
            boolean operand = !token.equals("(")
                    && !token.equals(")")
                    && !token.equals("AND")
                    && !token.equals("OR")
                    && !token.equals("WITH");
            if (operand && previousOperand) {
                problems.add(where + ": '" + token + "' follows another licence without AND/OR/WITH in '" + expression
                        + "'");
            }
            previousOperand = operand;
            if (!LICENSE_TOKEN.matcher(token).matches()) {
                problems.add(where + ": '" + token + "' is not a licence id or operator in '" + expression + "'");
            } else if (token.startsWith("LicenseRef-")) {
                usedRefs.add(token);
            }
        }
    }

    private static Iterable<JsonNode> array(JsonNode node, String field) {
        JsonNode a = node.get(field);
        return a != null && a.isArray() ? a : List.of();
    }

    private void expectText(JsonNode node, String field, String expected) {
        JsonNode v = node.get(field);
        if (v == null || !expected.equals(v.asText())) {
            problems.add(
                    field + ": expected '" + expected + "', found " + (v == null ? "nothing" : "'" + v.asText() + "'"));
        }
    }

    private @Nullable String requireText(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            problems.add(where + "." + field + ": required non-empty string missing");
            return null;
        }
        return v.asText();
    }
}
