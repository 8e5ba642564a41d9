package dev.kiln.registry.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.content.Digest;
import dev.kiln.registry.RegistryException;
import dev.kiln.registry.RegistryStorage.StoredManifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The small JSON record every storage keeps beside a manifest's bytes: its media type and the
 * descriptor facts the referrers API and garbage collection need, so neither re-parses manifests.
 */
public final class ManifestFacts {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ManifestFacts() {}

    public static byte[] encode(StoredManifest m) {
        ObjectNode facts = JSON.createObjectNode();
        facts.put("mediaType", m.mediaType());
        if (m.subject() != null) {
            facts.put("subject", m.subject().toString());
        }
        if (m.artifactType() != null) {
            facts.put("artifactType", m.artifactType());
        }
        if (m.annotationsJson() != null) {
            facts.put("annotations", m.annotationsJson());
        }
        ArrayNode refs = facts.putArray("references");
        m.references().forEach(r -> refs.add(r.toString()));
        try {
            return JSON.writeValueAsBytes(facts);
        } catch (IOException e) {
            throw new RegistryException("cannot encode manifest facts of " + m.digest(), e);
        }
    }

    /** Joins the facts read from {@code where} with the manifest's bytes. */
    public static StoredManifest decode(Digest digest, byte[] facts, byte[] body, String where) throws IOException {
        JsonNode node = JSON.readTree(facts);
        if (node == null || !node.hasNonNull("mediaType")) {
            throw new IOException(where + ": manifest facts of " + digest + " have no mediaType");
        }
        List<Digest> refs = new ArrayList<>();
        node.path("references").forEach(r -> refs.add(Digest.parse(r.asText())));
        return new StoredManifest(
                digest,
                node.get("mediaType").asText(),
                body,
                node.hasNonNull("subject") ? Digest.parse(node.get("subject").asText()) : null,
                node.hasNonNull("artifactType") ? node.get("artifactType").asText() : null,
                node.hasNonNull("annotations") ? node.get("annotations").asText() : null,
                refs);
    }
}
