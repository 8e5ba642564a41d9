package dev.kiln.attest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.attest.AttestException;
import dev.kiln.attest.SignatureStore;
import dev.kiln.content.AtomicFiles;
import dev.kiln.content.Digest;
import dev.kiln.oci.Blob;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.ImageIndex;
import dev.kiln.oci.Manifest;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.OciLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An OCI layout directory as a signature store, for offline signing and verification. Tags are
 * {@code index.json} entries named by {@code org.opencontainers.image.ref.name}; referrers are
 * unnamed {@code index.json} entries whose manifest has a {@code subject}, found by reading them.
 */
public final class LayoutSignatureStore implements SignatureStore {
    private final OciLayout layout;
    private final String name;

    public LayoutSignatureStore(OciLayout layout, String name) {
        this.layout = layout;
        this.name = name;
    }

    @Override
    public String repositoryName() {
        return name;
    }

    @Override
    public Descriptor resolve(String tagOrDigest) {
        if (Digest.looksLikeDigest(tagOrDigest)) {
            Digest d = Digest.parse(tagOrDigest);
            byte[] body = manifest(d);
            return Descriptor.of(mediaTypeOf(body, "layout " + layout.dir() + " manifest " + d), d, body.length);
        }
        return entry(tagOrDigest)
                .map(e -> Descriptor.of(e.mediaType(), e.digest(), e.size()))
                .orElseThrow(() -> new AttestException("layout " + layout.dir() + ": no image named '" + tagOrDigest
                        + "' in index.json (names: " + names() + ")"));
    }

    @Override
    public Optional<byte[]> manifestByTag(String tag) {
        return entry(tag).map(e -> manifest(e.digest()));
    }

    @Override
    public byte[] manifest(Digest digest) {
        return blob(digest);
    }

    @Override
    public byte[] blob(Digest digest) {
        Path p = layout.blobPath(digest);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(p);
        } catch (IOException e) {
            throw new AttestException("layout " + layout.dir() + ": blob " + digest + " is missing", e);
        }
        Digest actual = Digest.sha256(bytes);
        if (!actual.equals(digest)) {
            throw new AttestException(
                    "layout " + layout.dir() + ": blob " + digest + " has content with digest " + actual);
        }
        return bytes;
    }

    @Override
    public void putBlob(byte[] content) {
        layout.writeBlob(Blob.of("application/octet-stream", content));
    }

    @Override
    public synchronized Digest putManifest(String mediaType, byte[] body, String tag) {
        putBlob(body);
        Descriptor d = Descriptor.of(mediaType, body);
        if (tag != null) {
            d = d.withAnnotation(OciLayout.REF_NAME, tag);
        }
        Descriptor entry = d;
        List<Descriptor> entries = new ArrayList<>();
        for (Descriptor e : index().manifests()) {
            boolean replaced = tag != null
                    ? tag.equals(e.annotations().get(OciLayout.REF_NAME))
                    : e.digest().equals(entry.digest()) && !e.annotations().containsKey(OciLayout.REF_NAME);
            if (!replaced) {
                entries.add(e);
            }
        }
        entries.add(entry);
        writeIndex(entries);
        return entry.digest();
    }

    @Override
    public synchronized Digest putReferrer(Manifest manifest) {
        byte[] body = manifest.toJson();
        putBlob(body);
        Descriptor d = new Descriptor(
                manifest.mediaType(),
                Digest.sha256(body),
                body.length,
                manifest.annotations(),
                null,
                manifest.artifactType());
        List<Descriptor> entries = new ArrayList<>(index().manifests());
        if (entries.stream().noneMatch(e -> e.digest().equals(d.digest()))) {
            entries.add(d);
            writeIndex(entries);
        }
        return d.digest();
    }

    @Override
    public List<Descriptor> referrers(Digest subject) {
        List<Descriptor> out = new ArrayList<>();
        for (Descriptor e : index().manifests()) {
            if (!MediaTypes.isManifest(e.mediaType())
                    || e.annotations().containsKey(OciLayout.REF_NAME)
                    || !Files.exists(layout.blobPath(e.digest()))) {
                continue;
            }
            Manifest m;
            try {
                m = Manifest.parse(blob(e.digest()));
            } catch (RuntimeException ex) {
                // a damaged entry is reported as a referrer so the verifier names it, rather than hiding it
                out.add(e);
                continue;
            }
            if (m.subject() != null && m.subject().digest().equals(subject)) {
                out.add(new Descriptor(e.mediaType(), e.digest(), e.size(), m.annotations(), null, m.artifactType()));
            }
        }
        return out;
    }

    private Optional<Descriptor> entry(String tag) {
        return index().manifests().stream()
                .filter(e -> tag.equals(e.annotations().get(OciLayout.REF_NAME)))
                .findFirst();
    }

    private List<String> names() {
        return index().manifests().stream()
                .map(e -> e.annotations().get(OciLayout.REF_NAME))
                .filter(n -> n != null)
                .toList();
    }

    private ImageIndex index() {
        return layout.index();
    }

    private void writeIndex(List<Descriptor> entries) {
        if (!Files.exists(layout.dir().resolve("oci-layout"))) {
            AtomicFiles.write(
                    layout.dir().resolve("oci-layout"),
                    "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        AtomicFiles.write(
                layout.dir().resolve("index.json"),
                ImageIndex.of(entries, Map.of()).toJson());
    }

    /** The {@code mediaType} field a manifest or index states about itself. */
    static String mediaTypeOf(byte[] body, String what) {
        JsonNode n = Json.parse(body, what);
        if (n.hasNonNull("mediaType")) {
            return n.get("mediaType").asText();
        }
        return n.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
    }
}
