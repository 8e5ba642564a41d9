package dev.kiln.attest;

import dev.kiln.attest.internal.LayoutSignatureStore;
import dev.kiln.attest.internal.RegistrySignatureStore;
import dev.kiln.content.Digest;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.ImageReference;
import dev.kiln.oci.Manifest;
import dev.kiln.oci.OciLayout;
import dev.kiln.oci.distribution.RegistryClient;
import java.util.List;
import java.util.Optional;

/**
 * Where an image and its signatures live: a registry repository or an OCI layout directory. The
 * signer and the verifier speak only to this, so both storage layouts work the same in either place.
 * Everything read is checked against its digest.
 */
public interface SignatureStore {

    /** The repository name signatures refer to, e.g. {@code 127.0.0.1:5000/app}. */
    String repositoryName();

    /** The descriptor of the manifest or index a tag or a {@code sha256:…} digest names. */
    Descriptor resolve(String tagOrDigest);

    Optional<byte[]> manifestByTag(String tag);

    byte[] manifest(Digest digest);

    byte[] blob(Digest digest);

    void putBlob(byte[] content);

    /** Stores a manifest, under {@code tag} when not null. */
    Digest putManifest(String mediaType, byte[] body, String tag);

    /** Stores a manifest with a {@code subject} so that {@link #referrers} of that subject lists it. */
    Digest putReferrer(Manifest manifest);

    /**
     * Whether writes may be issued from several threads at once. A registry orders them itself; a
     * layout rewrites one index file, so its writes stay sequential.
     */
    default boolean acceptsConcurrentWrites() {
        return false;
    }

    /** Descriptors (with artifactType and annotations) of the manifests whose subject is {@code subject}. */
    List<Descriptor> referrers(Digest subject);

    static SignatureStore registry(RegistryClient client, ImageReference repository) {
        return new RegistrySignatureStore(client, repository.repositoryReference());
    }

    static SignatureStore layout(OciLayout layout, String repositoryName) {
        return new LayoutSignatureStore(layout, repositoryName);
    }
}
