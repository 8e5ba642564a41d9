package dev.kiln.attest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.attest.internal.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * An in-toto Statement (supply-chain.md §4). {@code predicate} holds the predicate's JSON bytes as
 * given, so a statement carries an SBOM or provenance without re-modelling it.
 */
// bytes carried as they are; nothing compares these records with equals (arrays compare by identity)
@SuppressWarnings("ArrayRecordComponent")
public record InTotoStatement(List<ResourceDescriptor> subjects, String predicateType, byte[] predicate) {
    public static final String TYPE_V1 = "https://in-toto.io/Statement/v1";
    public static final String TYPE_V01 = "https://in-toto.io/Statement/v0.1";

    public InTotoStatement {
        subjects = List.copyOf(subjects);
        if (subjects.isEmpty()) {
            throw new AttestException("in-toto statement needs at least one subject");
        }
        for (ResourceDescriptor s : subjects) {
            if (s.digest().isEmpty()) {
                throw new AttestException("in-toto statement subject '" + s.name() + "' has no digest");
            }
        }
        if (predicateType == null || predicateType.isEmpty()) {
            throw new AttestException("in-toto statement has no predicateType");
        }
    }

    public byte[] toJson() {
        ObjectNode o = Json.object();
        o.put("_type", TYPE_V1);
        ArrayNode s = o.putArray("subject");
        subjects.forEach(d -> s.add(d.toNode()));
        o.put("predicateType", predicateType);
        o.set("predicate", Json.parse(predicate, "predicate of type " + predicateType));
        return Json.bytes(o);
    }

    /** Reads a v1 or v0.1 statement. */
    public static InTotoStatement parse(byte[] json, String what) {
        ObjectNode o = Json.parseObject(json, what);
        String type = Json.requireText(o, "_type", what);
        if (!type.equals(TYPE_V1) && !type.equals(TYPE_V01)) {
            throw new AttestException(
                    what + ": _type must be " + TYPE_V1 + " or " + TYPE_V01 + ", found '" + type + "'");
        }
        JsonNode subjects = o.get("subject");
        if (subjects == null || !subjects.isArray()) {
            throw new AttestException(what + ": field 'subject' must be an array");
        }
        List<ResourceDescriptor> out = new ArrayList<>();
        for (int i = 0; i < subjects.size(); i++) {
            out.add(ResourceDescriptor.fromNode(subjects.get(i), what + " subject[" + i + "]"));
        }
        JsonNode predicate = o.get("predicate");
        return new InTotoStatement(
                out,
                Json.requireText(o, "predicateType", what),
                predicate == null ? "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8) : Json.bytes(predicate));
    }

    /** Whether a subject carries {@code sha256:hex} (subjects are matched by digest only). */
    public boolean hasSubjectDigest(String algorithm, String hex) {
        return subjects.stream().anyMatch(s -> hex.equals(s.digest().get(algorithm)));
    }
}
