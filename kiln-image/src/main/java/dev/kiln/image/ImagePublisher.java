package dev.kiln.image;

import dev.kiln.oci.ImageReference;
import dev.kiln.oci.distribution.PushResult;
import dev.kiln.oci.distribution.RegistrySink;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds an image and pushes it to a registry under one or more references. The build is
 * deterministic, so publishing unchanged inputs again finds the same index digest under every
 * reference and pushes nothing.
 */
public final class ImagePublisher {
    private final ImageBuilder builder;
    private final RegistrySink sink;

    public ImagePublisher(ImageBuilder builder, RegistrySink sink) {
        this.builder = builder;
        this.sink = sink;
    }

    /** The outcome: the build, and what the push did ({@link PushResult#changed()} false: nothing sent). */
    public record PublishResult(ImageBuild build, PushResult push) {
        public dev.kiln.content.Digest indexDigest() {
            return push.index();
        }

        public boolean changed() {
            return push.changed();
        }

        /** {@code host/repo@sha256:…}, one per repository. */
        public List<ImageReference> digestReferences() {
            return push.references();
        }
    }

    public PublishResult publish(Path config, ImageBuildOptions options, List<ImageReference> references) {
        return publish(ImageSpecLoader.load(config), options, references);
    }

    public PublishResult publish(ImageSpec spec, ImageBuildOptions options, List<ImageReference> references) {
        if (references.isEmpty()) {
            throw new ImageException("publish needs at least one image reference");
        }
        ImageBuild build = builder.build(spec, options);
        return new PublishResult(build, sink.push(build.images(), references));
    }
}
