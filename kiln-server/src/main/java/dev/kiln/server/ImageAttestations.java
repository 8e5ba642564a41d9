package dev.kiln.server;

import dev.kiln.apk.IndexEntry;
import dev.kiln.apk.InstalledPackage;
import dev.kiln.attest.Attestation;
import dev.kiln.attest.ImageSigner;
import dev.kiln.attest.PredicateTypes;
import dev.kiln.attest.SigningKey;
import dev.kiln.image.ArchImage;
import dev.kiln.image.ImageBuild;
import dev.kiln.image.ImageProvenance;
import dev.kiln.image.ImagePublisher;
import dev.kiln.oci.Blob;
import dev.kiln.oci.ImageReference;
import dev.kiln.oci.OciImage;
import dev.kiln.oci.distribution.RegistryClient;
import dev.kiln.server.state.Records;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code kiln image publish} and the reconciler do after a push when an image key is configured:
 * sign the pushed index and attest its SPDX SBOM and SLSA provenance, in every repository it was
 * pushed to, in both storage layouts so old and new clients find them.
 */
public final class ImageAttestations {
    private ImageAttestations() {}

    /** The image's name in its SBOM and provenance: the config file's name without {@code .yaml}. */
    public static String imageName(Path config) {
        return config.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    }

    /** Signs and attests each digest reference of {@code result}; the attestations are computed once. */
    public static List<ImageSigner.Result> signAndAttest(
            RegistryClient client, ImagePublisher.PublishResult result, Path config, SigningKey key, Clock clock) {
        return signAndAttest(
                client, result, ImageProvenance.attestations(result.build(), config, imageName(config)), key, clock);
    }

    /** Signs each digest reference of {@code result} and attaches {@code attestations} to it. */
    public static List<ImageSigner.Result> signAndAttest(
            RegistryClient client,
            ImagePublisher.PublishResult result,
            List<Attestation> attestations,
            SigningKey key,
            Clock clock) {
        ImageSigner signer = new ImageSigner(clock, ImageSigner.Storage.BOTH);
        List<ImageSigner.Result> signed = new ArrayList<>();
        for (ImageReference ref : result.digestReferences()) {
            signed.add(signer.signAndAttest(client, ref, key, attestations));
        }
        return signed;
    }

    /**
     * What the catalog keeps of a build: the compressed size of its first architecture (layers, config
     * and manifest, what a pull transfers), its packages, and the SBOM and provenance as attested.
     */
    public static Records.ImageContents contents(ImageBuild build, List<Attestation> attestations) {
        ArchImage first = build.archs().get(0);
        OciImage image = first.image();
        long size = image.manifest().descriptor().size()
                + image.config().descriptor().size();
        for (Blob layer : image.layers()) {
            size += layer.descriptor().size();
        }
        List<Records.ImagePackage> packages = new ArrayList<>();
        for (InstalledPackage p : first.packages()) {
            IndexEntry e = p.entry();
            packages.add(new Records.ImagePackage(e.name(), e.version(), e.license(), e.origin()));
        }
        List<Records.Document> documents = new ArrayList<>();
        for (Attestation a : attestations) {
            String kind = a.predicateType().equals(PredicateTypes.SPDX)
                    ? Records.Document.SPDX
                    : a.predicateType().equals(PredicateTypes.SLSA_PROVENANCE_V1) ? Records.Document.PROVENANCE : null;
            if (kind != null) {
                documents.add(new Records.Document(
                        kind, "application/json", new String(a.predicate(), StandardCharsets.UTF_8)));
            }
        }
        return new Records.ImageContents(size, packages, documents);
    }
}
