package dev.kiln.oci.distribution;

import dev.kiln.content.Digest;
import dev.kiln.oci.ImageReference;
import java.util.List;

/**
 * What a {@link RegistrySink} push did. {@code references} are the digest references of the index,
 * one per repository; {@code updated} the given references that did not name the index before.
 * {@code changed} is false when every reference already named the index, and then nothing was sent.
 */
public record PushResult(
        Digest index,
        List<ImageReference> references,
        List<ImageReference> updated,
        int blobsUploaded,
        int blobsMounted,
        int blobsPresent,
        int manifestsPushed) {

    public PushResult {
        references = List.copyOf(references);
        updated = List.copyOf(updated);
    }

    public boolean changed() {
        return !updated.isEmpty();
    }
}
