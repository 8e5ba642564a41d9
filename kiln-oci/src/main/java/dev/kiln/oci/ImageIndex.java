package dev.kiln.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.oci.internal.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** An OCI image index (or Docker manifest list); also the shape of an OCI layout's {@code index.json}. */
public record ImageIndex(String mediaType, String artifactType, List<Descriptor> manifests, Descriptor subject,
        Map<String, String> annotations) {

    public ImageIndex {
        if (mediaType == null) {
            mediaType = MediaTypes.OCI_INDEX;
        }
        manifests = manifests == null ? List.of() : List.copyOf(manifests);
        annotations = annotations == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(annotations));
    }

    public static ImageIndex of(List<Descriptor> manifests, Map<String, String> annotations) {
        return new ImageIndex(MediaTypes.OCI_INDEX, null, manifests, null, annotations);
    }

    public ImageIndex withManifests(List<Descriptor> newManifests) {
        return new ImageIndex(mediaType, artifactType, newManifests, subject, annotations);
    }

    public byte[] toJson() {
        ObjectNode o = Json.object();
        o.put("schemaVersion", 2);
        o.put("mediaType", mediaType);
        if (artifactType != null) {
            o.put("artifactType", artifactType);
        }
        ArrayNode a = o.putArray("manifests");
        manifests.forEach(m -> a.add(Json.descriptor(m)));
        if (subject != null) {
            o.set("subject", Json.descriptor(subject));
        }
        Json.putMap(o, "annotations", annotations);
        return Json.bytes(o);
    }

    public Descriptor descriptor() {
        return Descriptor.of(mediaType, toJson());
    }

    public static ImageIndex parse(byte[] json) {
        ObjectNode o = Json.parseObject(json, "image index");
        JsonNode version = o.get("schemaVersion");
        if (version == null || version.asInt() != 2) {
            throw new OciException("image index: schemaVersion must be 2, found " + version);
        }
        String mediaType = Json.optText(o, "mediaType");
        if (mediaType != null && !MediaTypes.isIndex(mediaType)) {
            throw new OciException("image index: mediaType must be an index type, found '" + mediaType + "'");
        }
        JsonNode ms = o.get("manifests");
        if (ms == null || !ms.isArray()) {
            throw new OciException("image index: field 'manifests' must be an array");
        }
        List<Descriptor> manifests = new ArrayList<>();
        for (int i = 0; i < ms.size(); i++) {
            manifests.add(Json.readDescriptor(ms.get(i), "image index manifests[" + i + "]"));
        }
        Descriptor subject = o.has("subject") ? Json.readDescriptor(o.get("subject"), "image index subject") : null;
        return new ImageIndex(mediaType == null ? MediaTypes.OCI_INDEX : mediaType, Json.optText(o, "artifactType"),
                manifests, subject, Json.stringMap(o, "annotations"));
    }
}
