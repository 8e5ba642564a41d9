package dev.kiln.image;

import dev.kiln.content.Digest;
import dev.kiln.oci.ImageReference;
import dev.kiln.oci.distribution.PushResult;
import dev.kiln.oci.distribution.RegistrySink;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

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

    /**
     * The outcome: the build, and what the push did ({@link PushResult#changed()} false: nothing sent);
     * with a {@link TagPlan}, the plan and the immutable tag when it was left alone because the registry
     * has it naming other content (null otherwise).
     */
    public record PublishResult(
            ImageBuild build,
            PushResult push,
            @Nullable TagPlan tags,
            @Nullable ImageReference heldBack) {
        public PublishResult(ImageBuild build, PushResult push) {
            this(build, push, null, null);
        }

        public Digest indexDigest() {
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

    /**
     * Builds and pushes to {@code repository} under the tags of {@link TagPlan#forImage}: the moving
     * tags always (an unchanged build moves nothing), the immutable one only when the registry does not
     * have it yet or already names this index.
     */
    public PublishResult publishTagged(
            ImageSpec spec, ImageBuildOptions options, ImageReference repository, boolean dev) {
        ImageBuild build = builder.build(spec, options);
        TagPlan plan = TagPlan.forImage(build, dev);
        ImageReference repo = repository.repositoryReference();
        List<ImageReference> refs =
                new ArrayList<>(plan.moving().stream().map(repo::withTag).toList());
        ImageReference heldBack = null;
        if (plan.immutable() != null) {
            ImageReference immutable = repo.withTag(plan.immutable());
            Digest index = build.images().index().descriptor().digest();
            if (sink.digestOf(immutable).filter(d -> !d.equals(index)).isPresent()) {
                heldBack = immutable;
            } else {
                refs.add(immutable);
            }
        }
        return new PublishResult(build, sink.push(build.images(), refs), plan, heldBack);
    }
}
