package dev.kiln.oci;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.oci.internal.OciJson;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** An OCI image manifest (or a Docker schema 2 manifest, which has the same shape). */
public record Manifest(
        String mediaType,
        @Nullable String artifactType,
        Descriptor config,
        List<Descriptor> layers,
        @Nullable Descriptor subject,
        Map<String, String> annotations) {

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
        ObjectNode o = OciJson.startImageDocument(mediaType, artifactType);
        o.set("config", OciJson.descriptor(config));
        OciJson.putDescriptors(o, "layers", layers);
        return OciJson.finishImageDocument(o, subject, annotations);
    }

    /** The descriptor of this manifest's JSON bytes. */
    public Descriptor descriptor() {
        return Descriptor.of(mediaType, toJson());
    }

    public static Manifest parse(byte[] json) {
        String what = "manifest";
        ObjectNode o = OciJson.parseImageDocument(json, what);
        String mediaType = OciJson.imageDocumentMediaType(
                o, what, MediaTypes::isManifest, "an image manifest type", MediaTypes.OCI_MANIFEST);
        List<Descriptor> layers = OciJson.readDescriptors(o, "layers", what);
        Descriptor subject = OciJson.readOptionalDescriptor(o, "subject", what);
        return new Manifest(
                mediaType,
                OciJson.optText(o, "artifactType"),
                OciJson.readDescriptor(o.get("config"), "manifest config"),
                layers,
                subject,
                OciJson.stringMap(o, "annotations"));
    }
}
