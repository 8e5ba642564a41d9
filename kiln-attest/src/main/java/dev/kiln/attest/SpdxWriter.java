package dev.kiln.attest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Writes an {@link SbomDocument} as SPDX 2.3 JSON, indented, UTF-8, with a trailing newline: the one
 * SPDX writer behind the per-package, image and inventory SBOMs. The output is a function of the
 * document alone: fields in a fixed order, no wall clock, no random namespace.
 *
 * <p>Each component becomes a package whose {@code SPDXID} is its {@link SbomComponent#ref()}; the
 * {@code DESCRIBES} relationships from {@link SbomRelationship#DOCUMENT} also make up {@code
 * documentDescribes}. Licences are written as SPDX expressions; a name off the SPDX licence list
 * becomes a {@code LicenseRef-} defined once in {@code hasExtractedLicensingInfos}, and two packages
 * that mean different texts by one id get numbered ids rather than sharing a definition.
 */
public final class SpdxWriter {
    /** The SPDX licence list release whose ids {@link SpdxLicenseExpression} knows. */
    public static final String LICENSE_LIST_VERSION = "3.27";

    private static final String NOASSERTION = "NOASSERTION";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ELEMENT_ID = Pattern.compile("SPDXRef-[A-Za-z0-9.-]+");
    /** A LicenseRef of this document; one after "DocumentRef-…:" belongs to another document. */
    private static final Pattern LICENSE_REF = Pattern.compile("(?<![A-Za-z0-9.:-])LicenseRef-[A-Za-z0-9.-]+");

    private final SbomDocument doc;
    /** id in the written document → its definition, sorted by id. */
    private final Map<String, SbomLicence> licences = new TreeMap<>();

    private SpdxWriter(SbomDocument doc) {
        this.doc = doc;
    }

    /**
     * The document's bytes.
     *
     * @throws AttestException if the document has no namespace or a component's ref is not an SPDX
     *     element id
     */
    public static byte[] write(SbomDocument doc) {
        return new SpdxWriter(doc).write();
    }

    /**
     * Text as the part of an element id after {@code SPDXRef-}: element ids allow letters, digits, '.'
     * and '-', so any other character becomes C and its code point, as melange writes them.
     */
    public static String elementId(String text) {
        StringBuilder sb = new StringBuilder();
        text.codePoints().forEach(c -> {
            if ((c < 128 && Character.isLetterOrDigit(c)) || c == '.' || c == '-') {
                sb.appendCodePoint(c);
            } else {
                sb.append('C').append(c);
            }
        });
        return sb.toString();
    }

    private byte[] write() {
        String namespace = doc.namespace();
        if (namespace == null) {
            throw new AttestException("SPDX document " + doc.name() + " has no namespace");
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("SPDXID", SbomRelationship.DOCUMENT);
        out.put("spdxVersion", "SPDX-2.3");
        out.put("name", doc.name());
        out.put("dataLicense", "CC0-1.0");
        out.put("documentNamespace", namespace);
        ObjectNode info = out.putObject("creationInfo");
        info.put("created", DateTimeFormatter.ISO_INSTANT.format(doc.created().truncatedTo(ChronoUnit.SECONDS)));
        ArrayNode creators = info.putArray("creators").add("Tool: " + doc.tool());
        if (doc.supplier() != null) {
            creators.add(organization(doc.supplier()));
        }
        info.put("licenseListVersion", LICENSE_LIST_VERSION);
        ArrayNode describes = out.putArray("documentDescribes");
        for (SbomRelationship r : doc.relationships()) {
            if (r.from().equals(SbomRelationship.DOCUMENT) && r.type().equals("DESCRIBES")) {
                describes.add(r.to());
            }
        }
        ArrayNode packages = out.putArray("packages");
        doc.components().forEach(c -> component(packages.addObject(), c));
        ArrayNode relationships = out.putArray("relationships");
        for (SbomRelationship r : doc.relationships()) {
            relationships
                    .addObject()
                    .put("spdxElementId", r.from())
                    .put("relationshipType", r.type())
                    .put("relatedSpdxElement", r.to());
        }
        if (!licences.isEmpty()) {
            ArrayNode extracted = out.putArray("hasExtractedLicensingInfos");
            licences.values()
                    .forEach(l -> extracted
                            .addObject()
                            .put("licenseId", l.id())
                            .put("name", l.name())
                            .put("extractedText", l.text()));
        }
        try {
            return (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out) + "\n")
                    .getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new AttestException("cannot serialise SPDX document " + doc.name() + ": " + e.getMessage(), e);
        }
    }

    private void component(ObjectNode out, SbomComponent c) {
        if (!ELEMENT_ID.matcher(c.ref()).matches()) {
            throw new AttestException("SPDX document " + doc.name() + ": component " + c.name() + " has ref '" + c.ref()
                    + "', expected SPDXRef- followed by letters, digits, '.' or '-'");
        }
        out.put("SPDXID", c.ref());
        out.put("name", c.name());
        putIfKnown(out, "versionInfo", c.version());
        if (c.supplier() != null) {
            out.put("supplier", organization(c.supplier()));
        }
        if (c.originator() != null) {
            out.put("originator", organization(c.originator()));
        }
        out.put("downloadLocation", Objects.requireNonNullElse(c.downloadLocation(), NOASSERTION));
        out.put("filesAnalyzed", false);
        if (!c.checksums().isEmpty()) {
            ArrayNode checksums = out.putArray("checksums");
            c.checksums()
                    .forEach(h -> checksums
                            .addObject()
                            .put("algorithm", h.algorithm().spdxName())
                            .put("checksumValue", h.hex()));
        }
        SpdxLicensing licensing = c.spdxLicensing();
        if (licensing != null) {
            putIfKnown(out, "licenseConcluded", copied(licensing.concluded(), licensing.definitions()));
            putIfKnown(out, "licenseDeclared", copied(licensing.declared(), licensing.definitions()));
        } else if (c.license() != null) {
            out.put("licenseDeclared", normalised(c.license()));
        }
        putIfKnown(out, "copyrightText", c.copyrightText());
        putIfKnown(out, "description", c.description());
        putIfKnown(out, "comment", c.comment());
        putIfKnown(out, "sourceInfo", c.sourceInfo());
        if (c.purl() != null) {
            out.putArray("externalRefs")
                    .addObject()
                    .put("referenceCategory", "PACKAGE-MANAGER")
                    .put("referenceType", "purl")
                    .put("referenceLocator", c.purl());
        }
        out.put("primaryPackagePurpose", c.type().spdxName());
    }

    /** Free licence text as an expression; names off the SPDX list get the standard definition. */
    private String normalised(String text) {
        SpdxLicenseExpression licence = SpdxLicenseExpression.normalize(text);
        Map<String, String> renamed = new HashMap<>();
        licence.extracted()
                .forEach((ref, name) -> renamed.put(ref, define(new SbomLicence(ref, name, standardText(name)))));
        return rename(licence.expression(), renamed);
    }

    /** An expression from another SPDX document, its LicenseRefs defined as that document defines them. */
    private @Nullable String copied(@Nullable String expression, List<SbomLicence> definitions) {
        if (expression == null) {
            return null;
        }
        Map<String, String> renamed = new HashMap<>();
        Matcher m = LICENSE_REF.matcher(expression);
        while (m.find()) {
            String ref = m.group();
            SbomLicence definition = definitions.stream()
                    .filter(d -> d.id().equals(ref))
                    .findFirst()
                    .orElseGet(() -> new SbomLicence(ref, ref.substring("LicenseRef-".length()), standardText(ref)));
            renamed.put(ref, define(definition));
        }
        return rename(expression, renamed);
    }

    private static String standardText(String name) {
        return "The package declares the licence '" + name + "', which is not on the SPDX licence list.";
    }

    /**
     * Adds a definition and returns its id in this document: LicenseRef ids are scoped to their
     * document, so two packages may mean different texts by one id; the later one then gets a numbered
     * id rather than borrowing the other's text.
     */
    private String define(SbomLicence licence) {
        String id = licence.id();
        for (int n = 2; ; n++) {
            SbomLicence candidate = new SbomLicence(id, licence.name(), licence.text());
            SbomLicence existing = licences.putIfAbsent(id, candidate);
            if (existing == null || existing.equals(candidate)) {
                return id;
            }
            id = licence.id() + "-" + n;
        }
    }

    private static String rename(String expression, Map<String, String> renamed) {
        return LICENSE_REF
                .matcher(expression)
                .replaceAll(m -> Matcher.quoteReplacement(renamed.getOrDefault(m.group(), m.group())));
    }

    private static String organization(String name) {
        return "Organization: " + name;
    }

    private static void putIfKnown(ObjectNode out, String field, @Nullable String value) {
        if (value != null) {
            out.put(field, value);
        }
    }
}
