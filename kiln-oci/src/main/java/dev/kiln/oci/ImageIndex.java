package dev.kiln.oci;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.oci.internal.OciJson;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** An OCI image index (or Docker manifest list); also the shape of an OCI layout's {@code index.json}. */
public record ImageIndex(
        String mediaType,
        @Nullable String artifactType,
        List<Descriptor> manifests,
        @Nullable Descriptor subject,
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
        ObjectNode o = OciJson.startImageDocument(mediaType, artifactType);
        OciJson.putDescriptors(o, "manifests", manifests);
        return OciJson.finishImageDocument(o, subject, annotations);
    }

    public Descriptor descriptor() {
        return Descriptor.of(mediaType, toJson());
    }

    public static ImageIndex parse(byte[] json) {
        String what = "image index";
        ObjectNode o = OciJson.parseImageDocument(json, what);
        String mediaType =
                OciJson.imageDocumentMediaType(o, what, MediaTypes::isIndex, "an index type", MediaTypes.OCI_INDEX);
        List<Descriptor> manifests = OciJson.readDescriptors(o, "manifests", what);
        Descriptor subject = OciJson.readOptionalDescriptor(o, "subject", what);
        return new ImageIndex(
                mediaType, OciJson.optText(o, "artifactType"), manifests, subject, OciJson.stringMap(o, "annotations"));
    }
}
