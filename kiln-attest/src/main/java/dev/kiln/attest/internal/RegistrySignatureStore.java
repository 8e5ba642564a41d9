package dev.kiln.attest.internal;

import dev.kiln.attest.AttestException;
import dev.kiln.attest.SignatureStore;
import dev.kiln.content.Digest;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.ImageIndex;
import dev.kiln.oci.ImageReference;
import dev.kiln.oci.Manifest;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.distribution.DistributionException;
import dev.kiln.oci.distribution.Fetched;
import dev.kiln.oci.distribution.Referrer;
import dev.kiln.oci.distribution.RegistryClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A repository in a registry reached through Kiln's distribution client. */
public final class RegistrySignatureStore implements SignatureStore {
    static final List<String> ACCEPT = List.of(
            MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX, MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_MANIFEST_LIST);

    /** Signatures, envelopes, bundles and their configs: a few kilobytes, pushed in one request each. */
    private static final int SMALL_BLOB = 1 << 20;

    private final RegistryClient client;
    private final ImageReference repo;

    public RegistrySignatureStore(RegistryClient client, ImageReference repo) {
        this.client = client;
        this.repo = repo;
    }

    @Override
    public String repositoryName() {
        return repo.registry() + "/" + repo.repository();
    }

    @Override
    public Descriptor resolve(String tagOrDigest) {
        ImageReference ref = Digest.looksLikeDigest(tagOrDigest)
                ? repo.withDigest(Digest.parse(tagOrDigest))
                : repo.withTag(tagOrDigest);
        Fetched<byte[]> f;
        try {
            f = client.getManifest(ref, ACCEPT);
        } catch (DistributionException e) {
            throw new AttestException("cannot resolve " + ref + ": " + e.getMessage(), e);
        }
        String mediaType = f.mediaType() != null
                        && !f.mediaType().isEmpty()
                        && !f.mediaType().equals("application/json")
                ? f.mediaType()
                : LayoutSignatureStore.mediaTypeOf(f.body(), ref.toString());
        return Descriptor.of(mediaType, f.digest(), f.body().length);
    }

    @Override
    public Optional<byte[]> manifestByTag(String tag) {
        try {
            return Optional.of(client.getManifest(repo.withTag(tag), ACCEPT).body());
        } catch (DistributionException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw new AttestException("cannot read tag " + tag + " of " + repositoryName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] manifest(Digest digest) {
        try {
            return client.getManifest(repo.withDigest(digest), ACCEPT).body();
        } catch (DistributionException e) {
            throw new AttestException("manifest " + digest + " in " + repositoryName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] blob(Digest digest) {
        try (InputStream in = client.getBlob(repo, digest)) {
            return in.readAllBytes();
        } catch (IOException | DistributionException e) {
            throw new AttestException("blob " + digest + " in " + repositoryName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void putBlob(byte[] content) {
        if (content.length <= SMALL_BLOB) {
            client.pushSmallBlob(repo, content);
        } else {
            client.pushBlob(repo, Digest.sha256(content), content.length, () -> new ByteArrayInputStream(content));
        }
    }

    @Override
    public boolean acceptsConcurrentWrites() {
        return true;
    }

    @Override
    public Digest putManifest(String mediaType, byte[] body, String tag) {
        ImageReference target = tag != null ? repo.withTag(tag) : repo.withDigest(Digest.sha256(body));
        return client.pushManifest(target, mediaType, body);
    }

    @Override
    public Digest putReferrer(Manifest manifest) {
        byte[] body = manifest.toJson();
        RegistryClient.PushedManifest pushed = client.pushManifestAcknowledgingSubject(
                repo.withDigest(Digest.sha256(body)), manifest.mediaType(), body);
        if (!pushed.subjectIndexed()) {
            addToFallbackIndex(manifest, pushed.digest(), body.length);
        }
        return pushed.digest();
    }

    /**
     * A registry without the referrers API: keep the index under the tag {@code ALG-HEX} that clients
     * read instead (registry.md §6), carrying artifactType and annotations so discovery by type works.
     */
    private void addToFallbackIndex(Manifest manifest, Digest digest, long size) {
        Descriptor subjectDescriptor = manifest.subject();
        if (subjectDescriptor == null) {
            throw new AttestException("a referrer manifest names no subject");
        }
        Digest subject = subjectDescriptor.digest();
        String tag = subject.algorithm() + "-" + subject.hex();
        List<Descriptor> entries = new ArrayList<>();
        manifestByTag(tag).ifPresent(b -> entries.addAll(ImageIndex.parse(b).manifests()));
        if (entries.stream().noneMatch(d -> d.digest().equals(digest))) {
            entries.add(new Descriptor(
                    manifest.mediaType(), digest, size, manifest.annotations(), null, manifest.artifactType()));
        }
        putManifest(MediaTypes.OCI_INDEX, ImageIndex.of(entries, Map.of()).toJson(), tag);
    }

    @Override
    public List<Descriptor> referrers(Digest subject) {
        List<Descriptor> out = new ArrayList<>();
        for (Referrer r : client.referrers(repo, subject, null)) {
            out.add(new Descriptor(r.mediaType(), r.digest(), r.size(), r.annotations(), null, r.artifactType()));
        }
        return out;
    }
}
