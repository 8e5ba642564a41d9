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

/** An OCI image manifest (or a Docker schema 2 manifest, which has the same shape). */
public record Manifest(String mediaType, String artifactType, Descriptor config, List<Descriptor> layers,
        Descriptor subject, Map<String, String> annotations) {

    public Manifest {
        if (mediaType == null) {
            mediaType = MediaTypes.OCI_MANIFEST;
        }
        if (config == null) {
            throw new OciException("manifest has no config descriptor");
        }
        layers = layers == null ? List.of() : List.copyOf(layers);
        annotations = annotations == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(annotations));
    }

    public static Manifest of(Descriptor config, List<Descriptor> layers, Map<String, String> annotations) {
        return new Manifest(MediaTypes.OCI_MANIFEST, null, config, layers, null, annotations);
    }

    /** Compact JSON with the key order of the image-spec examples. */
    public byte[] toJson() {
        ObjectNode o = Json.object();
        o.put("schemaVersion", 2);
        o.put("mediaType", mediaType);
        if (artifactType != null) {
            o.put("artifactType", artifactType);
        }
        o.set("config", Json.descriptor(config));
        ArrayNode a = o.putArray("layers");
        layers.forEach(l -> a.add(Json.descriptor(l)));
        if (subject != null) {
            o.set("subject", Json.descriptor(subject));
        }
        Json.putMap(o, "annotations", annotations);
        return Json.bytes(o);
    }

    /** The descriptor of this manifest's JSON bytes. */
    public Descriptor descriptor() {
        return Descriptor.of(mediaType, toJson());
    }

    public static Manifest parse(byte[] json) {
        ObjectNode o = Json.parseObject(json, "manifest");
        JsonNode version = o.get("schemaVersion");
        if (version == null || version.asInt() != 2) {
            throw new OciException("manifest: schemaVersion must be 2, found " + version);
        }
        String mediaType = Json.optText(o, "mediaType");
        if (mediaType != null && !MediaTypes.isManifest(mediaType)) {
            throw new OciException("manifest: mediaType must be an image manifest type, found '" + mediaType + "'");
        }
        List<Descriptor> layers = new ArrayList<>();
        JsonNode ls = o.get("layers");
        if (ls == null || !ls.isArray()) {
            throw new OciException("manifest: field 'layers' must be an array");
        }
        for (int i = 0; i < ls.size(); i++) {
            layers.add(Json.readDescriptor(ls.get(i), "manifest layers[" + i + "]"));
        }
        Descriptor subject = o.has("subject") ? Json.readDescriptor(o.get("subject"), "manifest subject") : null;
        return new Manifest(mediaType == null ? MediaTypes.OCI_MANIFEST : mediaType, Json.optText(o, "artifactType"),
                Json.readDescriptor(o.get("config"), "manifest config"), layers, subject,
                Json.stringMap(o, "annotations"));
    }
}
