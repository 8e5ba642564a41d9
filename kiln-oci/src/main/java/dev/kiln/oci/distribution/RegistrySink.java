package dev.kiln.oci.distribution;

import dev.kiln.content.Digest;
import dev.kiln.oci.Blob;
import dev.kiln.oci.ImageReference;
import dev.kiln.oci.ImageSink;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.OciException;
import dev.kiln.oci.OciImage;
import dev.kiln.oci.OciImageSet;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A registry as an image sink: pushes an image index, its manifests and their blobs under one or
 * more references. A reference that already names the index is left alone (one HEAD), a blob the
 * repository has is skipped, and a blob this sink has seen in another repository of the same
 * registry is mounted from there instead of uploaded. Retries are the client's.
 */
public final class RegistrySink implements ImageSink {
    private static final List<String> ACCEPT = List.of(
            MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST_LIST, MediaTypes.DOCKER_MANIFEST);

    private final RegistryClient client;
    /** Per registry, a repository known to hold each blob: the source of cross-repository mounts. */
    private final Map<String, Map<Digest, String>> knownBlobs = new ConcurrentHashMap<>();

    public RegistrySink(RegistryClient client) {
        this.client = client;
    }

    /** Pushes under one reference ({@code host/repo:tag}); returns the index digest. */
    @Override
    public Digest write(OciImageSet images, String reference) {
        return push(images, List.of(ImageReference.parse(reference))).index();
    }

    /** The digest {@code ref} names in the registry now, empty when it names nothing. */
    public Optional<Digest> digestOf(ImageReference ref) {
        return client.manifestDigest(ref, ACCEPT);
    }

    public PushResult push(OciImageSet images, List<ImageReference> references) {
        if (references.isEmpty()) {
            throw new OciException("push needs at least one image reference");
        }
        Digest index = images.index().descriptor().digest();
        for (ImageReference ref : references) {
            if (ref.digest() != null && !ref.digest().equals(index)) {
                throw new OciException("reference " + ref + " names digest " + ref.digest() + " but the image index is "
                        + index + "; give a tag, or the index digest");
            }
        }
        Counts counts = new Counts();
        Set<ImageReference> digestRefs = new LinkedHashSet<>();
        List<ImageReference> updated = new ArrayList<>();
        for (ImageReference given : references) {
            ImageReference ref = given.tag() == null && given.digest() == null ? given.withTag("latest") : given;
            ImageReference repo = ref.repositoryReference();
            digestRefs.add(repo.withDigest(index));
            if (client.manifestDigest(ref, ACCEPT).filter(index::equals).isPresent()) {
                remember(repo, images);
                continue;
            }
            for (OciImage image : images.images()) {
                for (Blob b : image.layers()) {
                    ensureBlob(repo, b, counts);
                }
                ensureBlob(repo, image.config(), counts);
                ensureManifest(repo, image.manifest(), counts);
            }
            ImageReference target = ref.tag() != null ? repo.withTag(ref.tag()) : repo.withDigest(index);
            client.pushManifest(
                    target,
                    images.index().descriptor().mediaType(),
                    images.index().bytes());
            counts.manifests++;
            updated.add(given);
        }
        return new PushResult(
                index,
                List.copyOf(digestRefs),
                updated,
                counts.uploaded,
                counts.mounted,
                counts.present,
                counts.manifests);
    }

    private static final class Counts {
        int uploaded;
        int mounted;
        int present;
        int manifests;
    }

    private void ensureBlob(ImageReference repo, Blob blob, Counts counts) {
        Digest d = blob.descriptor().digest();
        Map<Digest, String> known = knownBlobs(repo);
        if (client.blobExists(repo, d)) {
            counts.present++;
        } else {
            String from = known.get(d);
            if (from != null && !from.equals(repo.repository()) && client.mountBlob(repo, from, d)) {
                counts.mounted++;
            } else {
                client.pushBlob(repo, d, blob.descriptor().size(), blob::open);
                counts.uploaded++;
            }
        }
        known.putIfAbsent(d, repo.repository());
    }

    private void ensureManifest(ImageReference repo, Blob manifest, Counts counts) {
        ImageReference byDigest = repo.withDigest(manifest.descriptor().digest());
        if (client.manifestDigest(byDigest, ACCEPT).isEmpty()) {
            client.pushManifest(byDigest, manifest.descriptor().mediaType(), manifest.bytes());
            counts.manifests++;
        }
    }

    private Map<Digest, String> knownBlobs(ImageReference repo) {
        return knownBlobs.computeIfAbsent(repo.registry(), k -> new ConcurrentHashMap<>());
    }

    /** A reference that already names the index still makes its repository a mount source. */
    private void remember(ImageReference repo, OciImageSet images) {
        Map<Digest, String> known = knownBlobs(repo);
        for (OciImage image : images.images()) {
            image.layers().forEach(b -> known.putIfAbsent(b.descriptor().digest(), repo.repository()));
            known.putIfAbsent(image.config().descriptor().digest(), repo.repository());
        }
    }
}
