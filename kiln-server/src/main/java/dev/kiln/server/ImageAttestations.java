package dev.kiln.server;

import dev.kiln.attest.Attestation;
import dev.kiln.attest.ImageSigner;
import dev.kiln.attest.SigningKey;
import dev.kiln.image.ImageProvenance;
import dev.kiln.image.ImagePublisher;
import dev.kiln.oci.ImageReference;
import dev.kiln.oci.distribution.RegistryClient;
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
    private ImageAttestations() {
    }

    /** The image's name in its SBOM and provenance: the config file's name without {@code .yaml}. */
    public static String imageName(Path config) {
        return config.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    }

    /** Signs and attests each digest reference of {@code result}; the attestations are computed once. */
    public static List<ImageSigner.Result> signAndAttest(RegistryClient client, ImagePublisher.PublishResult result, Path config,
                                                         SigningKey key, Clock clock) {
        List<Attestation> attestations = ImageProvenance.attestations(result.build(), config, imageName(config));
        ImageSigner signer = new ImageSigner(clock, ImageSigner.Storage.BOTH);
        List<ImageSigner.Result> signed = new ArrayList<>();
        for (ImageReference ref : result.digestReferences()) {
            signed.add(signer.signAndAttest(client, ref, key, attestations));
        }
        return signed;
    }
}
