package dev.kiln.oci;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** A multi-platform image: an image index blob and the images it lists, in index order. */
public record OciImageSet(Blob index, List<OciImage> images) {

    public OciImageSet {
        if (index == null || images == null || images.isEmpty()) {
            throw new OciException("image set needs an index and at least one image");
        }
        images = List.copyOf(images);
    }

    /** Builds the index: manifests sorted by platform, as apko does, with {@code annotations}. */
    public static OciImageSet of(List<OciImage> images, Map<String, String> annotations) {
        List<OciImage> sorted = new ArrayList<>(images);
        sorted.sort(Comparator.comparing(OciImage::platform));
        ImageIndex index = ImageIndex.of(
                sorted.stream().map(i -> i.manifest().descriptor()).toList(), annotations);
        return new OciImageSet(Blob.of(MediaTypes.OCI_INDEX, index.toJson()), sorted);
    }

    public ImageIndex parsedIndex() {
        return ImageIndex.parse(index.bytes());
    }

    public OciImage image(Platform platform) {
        return images.stream()
                .filter(i -> i.platform().equals(platform))
                .findFirst()
                .orElseThrow(() -> new OciException("image has no platform " + platform + "; it has "
                        + images.stream().map(i -> i.platform().toString()).toList()));
    }
}
