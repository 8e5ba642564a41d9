package dev.kiln.oci.internal;

import dev.kiln.content.Digest;
import dev.kiln.oci.Blob;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.ImageIndex;
import dev.kiln.oci.Manifest;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.OciException;
import dev.kiln.oci.OciImage;
import dev.kiln.oci.OciImageSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Finds an image in a layout's {@code index.json}, shared by the layout directory and the archive readers. */
public final class LayoutResolver {
    public static final String REF_NAME = "org.opencontainers.image.ref.name";
    private static final Pattern SIGNATURE_TAG = Pattern.compile("sha(256|512)-[0-9a-f]+(\\.(sig|att|sbom))?");

    private LayoutResolver() {}

    /**
     * Resolves {@code refName} (or the only entry when null) to an image set; a plain manifest entry
     * gets a synthesized one-entry index. Manifests, configs and indexes are checked against their digests.
     */
    public static OciImageSet resolve(
            String where, ImageIndex top, @Nullable String refName, Function<Descriptor, Blob> blobs) {
        Descriptor chosen = choose(where, top, refName);
        if (MediaTypes.isIndex(chosen.mediaType())) {
            Blob indexBlob = verified(where, blobs.apply(chosen));
            ImageIndex index = ImageIndex.parse(indexBlob.bytes());
            List<OciImage> images = new ArrayList<>();
            for (Descriptor m : index.manifests()) {
                if (MediaTypes.isManifest(m.mediaType())) {
                    images.add(image(where, m, blobs));
                }
            }
            if (images.isEmpty()) {
                throw new OciException(where + ": index " + chosen.digest() + " lists no image manifests");
            }
            return new OciImageSet(indexBlob, images);
        }
        if (MediaTypes.isManifest(chosen.mediaType())) {
            return OciImageSet.of(List.of(image(where, chosen, blobs)), Map.of());
        }
        throw new OciException(where + ": entry " + chosen.digest() + " has media type " + chosen.mediaType()
                + "; expected an image index or manifest");
    }

    private static Descriptor choose(String where, ImageIndex top, @Nullable String refName) {
        if (refName == null) {
            // Signatures and attestations stored beside an image (cosign's sha256-HEX.sig/.att tags, and
            // referrers, which carry no name) do not make the image ambiguous.
            List<Descriptor> images = top.manifests().stream()
                    .filter(d -> d.annotations().get(REF_NAME) != null
                            && !SIGNATURE_TAG
                                    .matcher(d.annotations().get(REF_NAME))
                                    .matches())
                    .toList();
            if (top.manifests().size() != 1 && images.size() == 1) {
                return images.get(0);
            }
            if (top.manifests().size() != 1) {
                throw new OciException(
                        where + ": index.json has " + top.manifests().size()
                                + " entries; name one with its " + REF_NAME + " ("
                                + top.manifests().stream()
                                        .map(d -> d.annotations().get(REF_NAME))
                                        .toList() + ")");
            }
            return top.manifests().get(0);
        }
        return top.manifests().stream()
                .filter(d -> refName.equals(d.annotations().get(REF_NAME)))
                .findFirst()
                .orElseThrow(() -> new OciException(where + ": no entry named '" + refName + "' in index.json; found "
                        + top.manifests().stream()
                                .map(d -> d.annotations().get(REF_NAME))
                                .toList()));
    }

    private static OciImage image(String where, Descriptor m, Function<Descriptor, Blob> blobs) {
        Blob manifestBlob = verified(where, blobs.apply(m));
        Manifest manifest = Manifest.parse(manifestBlob.bytes());
        Blob config = verified(where, blobs.apply(manifest.config()));
        List<Blob> layers = manifest.layers().stream().map(blobs).toList();
        return new OciImage(manifestBlob, config, layers);
    }

    private static Blob verified(String where, Blob blob) {
        byte[] bytes = blob.bytes();
        Digest actual = Digest.sha256(bytes);
        if (!actual.equals(blob.descriptor().digest())
                || bytes.length != blob.descriptor().size()) {
            throw new OciException(where + ": blob " + blob.descriptor().digest() + " has digest " + actual
                    + " and size " + bytes.length + "; descriptor says size "
                    + blob.descriptor().size());
        }
        return Blob.of(blob.descriptor(), bytes);
    }
}
