package dev.kiln.attest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * Writes an {@link SbomDocument} as CycloneDX 1.6 JSON, indented, UTF-8, with a trailing newline. The
 * output is a function of the document alone: fields in a fixed order, no wall clock, no random serial.
 */
public final class CycloneDxWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CycloneDxWriter() {}

    public static byte[] write(SbomDocument doc) {
        ObjectNode bom = JSON.createObjectNode();
        bom.put("bomFormat", "CycloneDX");
        bom.put("specVersion", "1.6");
        bom.put("serialNumber", "urn:uuid:" + doc.serialNumber());
        bom.put("version", 1);
        ObjectNode meta = bom.putObject("metadata");
        meta.put("timestamp", DateTimeFormatter.ISO_INSTANT.format(doc.created().truncatedTo(ChronoUnit.SECONDS)));
        meta.putObject("tools")
                .putArray("components")
                .addObject()
                .put("type", "application")
                .put("name", doc.tool());
        if (doc.supplier() != null) {
            // the supplier of the subject is the author of its SBOM as well
            meta.putArray("authors").addObject().put("name", doc.supplier());
        }
        component(meta.putObject("component"), doc.subject());
        if (doc.supplier() != null) {
            meta.putObject("supplier").put("name", doc.supplier());
        }
        ArrayNode components = bom.putArray("components");
        doc.components().forEach(c -> component(components.addObject(), c));
        ArrayNode dependencies = bom.putArray("dependencies");
        for (SbomDependency d : doc.dependencies()) {
            ArrayNode on = dependencies.addObject().put("ref", d.ref()).putArray("dependsOn");
            d.dependsOn().forEach(on::add);
        }
        try {
            return (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(bom) + "\n")
                    .getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new AttestException(
                    "cannot serialise CycloneDX document for " + doc.subject().name() + ": " + e.getMessage(), e);
        }
    }

    private static void component(ObjectNode out, SbomComponent c) {
        out.put("type", c.type().cycloneDxName());
        out.put("bom-ref", c.ref());
        if (c.supplier() != null) {
            out.putObject("supplier").put("name", c.supplier());
        }
        out.put("name", c.name());
        if (c.version() != null) {
            out.put("version", c.version());
        }
        if (c.description() != null) {
            out.put("description", c.description());
        }
        if (c.license() != null) {
            // An expression only when the text normalises to SPDX ids alone; other text is kept as a
            // named licence, since CycloneDX has no place to define LicenseRefs.
            SpdxLicenseExpression licence = SpdxLicenseExpression.normalize(c.license());
            ObjectNode entry = out.putArray("licenses").addObject();
            if (licence.extracted().isEmpty()) {
                entry.put("expression", licence.expression());
            } else {
                entry.putObject("license").put("name", c.license());
            }
        }
        if (!c.checksums().isEmpty()) {
            ArrayNode hashes = out.putArray("hashes");
            c.checksums()
                    .forEach(h -> hashes.addObject()
                            .put("alg", h.algorithm().cycloneDxName())
                            .put("content", h.hex()));
        }
        if (c.purl() != null) {
            out.put("purl", c.purl());
        }
        if (!c.evidence().isEmpty()) {
            ArrayNode occurrences = out.putObject("evidence").putArray("occurrences");
            c.evidence().forEach(e -> occurrences.addObject().put("location", e));
        }
        if (!c.properties().isEmpty()) {
            ArrayNode properties = out.putArray("properties");
            for (Map.Entry<String, String> p : c.properties().entrySet()) {
                properties.addObject().put("name", p.getKey()).put("value", p.getValue());
            }
        }
    }
}
