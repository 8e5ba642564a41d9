package dev.kiln.image;

import dev.kiln.oci.OciImageSet;
import java.time.Duration;
import java.util.List;

/** The result of {@link ImageBuilder#build}: the image index and its images, per-arch details, and warnings. */
public record ImageBuild(
        ImageSpec spec, OciImageSet images, List<ArchImage> archs, List<String> warnings, Duration elapsed) {
    public ImageBuild {
        archs = List.copyOf(archs);
        warnings = List.copyOf(warnings);
    }

    /** When the index was made: the newest of its architectures' build times (images.md §4). */
    public long created() {
        return created(archs);
    }

    static long created(List<ArchImage> archs) {
        return archs.stream().mapToLong(ArchImage::created).max().orElse(0);
    }
}
