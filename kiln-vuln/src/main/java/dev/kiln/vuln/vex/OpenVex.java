package dev.kiln.vuln.vex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.vuln.VulnException;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Reads and writes OpenVEX JSON (openvex/spec v0.2.0). */
public final class OpenVex {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private OpenVex() {}

    public static VexDocument parse(byte[] json, String source) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (IOException e) {
            throw new VulnException(source + ": not valid JSON: " + e.getMessage(), e);
        }
        if (n == null || !n.path("@context").asText("").startsWith("https://openvex.dev/ns")) {
            throw new VulnException(
                    source + ": not an OpenVEX document (expected @context https://openvex.dev/ns/...)");
        }
        Instant docTime = time(n.path("timestamp").asText(null), source);
        List<VexStatement> statements = new ArrayList<>();
        int i = 0;
        for (JsonNode s : n.path("statements")) {
            String where = source + " statements[" + i++ + "]";
            JsonNode v = s.path("vulnerability");
            String name = v.isTextual() ? v.asText() : v.path("name").asText("");
            if (name.isEmpty()) {
                throw new VulnException(where + ": vulnerability.name is required");
            }
            List<String> aliases = new ArrayList<>();
            v.path("aliases").forEach(a -> aliases.add(a.asText()));
            List<VexStatement.Product> products = new ArrayList<>();
            for (JsonNode p : s.path("products")) {
                List<String> subs = new ArrayList<>();
                p.path("subcomponents").forEach(c -> subs.add(id(c)));
                products.add(new VexStatement.Product(id(p), subs));
            }
            Instant t = s.hasNonNull("timestamp") ? time(s.get("timestamp").asText(), where) : docTime;
            String status = s.path("status").asText("");
            try {
                statements.add(new VexStatement(
                        name,
                        aliases,
                        products,
                        status,
                        s.path("justification").asText(null),
                        s.path("impact_statement").asText(null),
                        s.path("action_statement").asText(null),
                        t));
            } catch (VulnException e) {
                throw new VulnException(where + ": " + e.getMessage(), e);
            }
        }
        return new VexDocument(
                n.path("@id").asText(""),
                n.path("author").asText(""),
                docTime,
                n.path("version").asInt(1),
                statements);
    }

    public static byte[] toJson(VexDocument doc) {
        ObjectNode n = JSON.createObjectNode();
        n.put("@context", VexDocument.CONTEXT);
        n.put("@id", doc.id());
        n.put("author", doc.author());
        n.put("timestamp", doc.timestamp().toString());
        n.put("version", doc.version());
        ArrayNode statements = n.putArray("statements");
        for (VexStatement s : doc.statements()) {
            ObjectNode sn = statements.addObject();
            ObjectNode v = sn.putObject("vulnerability");
            v.put("name", s.vulnerability());
            if (!s.aliases().isEmpty()) {
                s.aliases().forEach(v.putArray("aliases")::add);
            }
            if (!s.timestamp().equals(doc.timestamp())) {
                sn.put("timestamp", s.timestamp().toString());
            }
            ArrayNode products = sn.putArray("products");
            for (VexStatement.Product p : s.products()) {
                ObjectNode pn = products.addObject();
                pn.put("@id", p.id());
                if (p.id().startsWith("pkg:")) {
                    pn.putObject("identifiers").put("purl", p.id());
                }
                if (!p.subcomponents().isEmpty()) {
                    ArrayNode subs = pn.putArray("subcomponents");
                    p.subcomponents()
                            .forEach(c -> subs.addObject()
                                    .put("@id", c)
                                    .putObject("identifiers")
                                    .put("purl", c));
                }
            }
            sn.put("status", s.status());
            if (s.justification() != null) {
                sn.put("justification", s.justification());
            }
            if (s.impactStatement() != null) {
                sn.put("impact_statement", s.impactStatement());
            }
            if (s.actionStatement() != null) {
                sn.put("action_statement", s.actionStatement());
            }
        }
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new VulnException("cannot render OpenVEX document: " + e.getMessage(), e);
        }
    }

    private static String id(JsonNode p) {
        String id = p.path("@id").asText("");
        return id.isEmpty() ? p.path("identifiers").path("purl").asText("") : id;
    }

    private static Instant time(@Nullable String t, String where) {
        if (t == null) {
            return Instant.EPOCH;
        }
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            throw new VulnException(where + ": timestamp must be RFC 3339, found '" + t + "'", e);
        }
    }
}
