import dev.kiln.attest.Attestation;
import dev.kiln.attest.ImageSigner;
import dev.kiln.attest.ImageVerifier;
import dev.kiln.attest.PredicateTypes;
import dev.kiln.attest.SignatureStore;
import dev.kiln.attest.SigningKey;
import dev.kiln.attest.VerificationPolicy;
import dev.kiln.attest.VerificationReport;
import dev.kiln.content.Digest;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.ImageReference;
import dev.kiln.oci.Manifest;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.distribution.RegistryClient;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Warm figures in one JVM against Kiln's registry at ADDR (a separate process): what a publish adds
 * when it signs (cosign signature + SPDX and SLSA attestations, both storage layouts, each on a fresh
 * image so manifests do not grow), and verification of one image with a signature and three
 * attestations (SPDX, SLSA, OpenVEX). Five warm-up rounds, median of 20.
 * Run: java -cp kiln-cli/target/kiln.jar bench/SignWarm.java 127.0.0.1:PORT
 */
public class SignWarm {
    public static void main(String[] args) throws Exception {
        String addr = args[0];
        RegistryClient client = new RegistryClient(HttpClient.newHttpClient(), null);
        SigningKey key = SigningKey.generate(new SecureRandom());
        byte[] sbom = "{\"spdxVersion\":\"SPDX-2.3\",\"SPDXID\":\"SPDXRef-DOCUMENT\",\"name\":\"app\",\"packages\":[]}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] prov = ("{\"buildDefinition\":{\"buildType\":\"https://kiln.dev/buildtypes/image/v1\",\"externalParameters\":{}},"
                + "\"runDetails\":{\"builder\":{\"id\":\"https://kiln.dev/builders/local/v1\"}}}").getBytes(StandardCharsets.UTF_8);
        byte[] vex = "{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"statements\":[]}".getBytes(StandardCharsets.UTF_8);
        List<Attestation> publishSet = List.of(new Attestation(PredicateTypes.SPDX, sbom),
                new Attestation(PredicateTypes.SLSA_PROVENANCE_V1, prov));
        ImageSigner signer = new ImageSigner(Clock.systemUTC(), ImageSigner.Storage.BOTH);

        long[] sign = new long[20];
        for (int i = -5; i < sign.length; i++) {
            ImageReference ref = pushImage(client, addr, "bench/sign", "round " + i);
            long t0 = System.nanoTime();
            signer.signAndAttest(client, ref, key, publishSet);
            if (i >= 0) {
                sign[i] = System.nanoTime() - t0;
            }
        }

        ImageReference target = pushImage(client, addr, "bench/verify", "verify " + System.nanoTime());
        signer.signAndAttest(client, target, key, List.of(new Attestation(PredicateTypes.SPDX, sbom),
                new Attestation(PredicateTypes.SLSA_PROVENANCE_V1, prov), new Attestation(PredicateTypes.OPENVEX, vex)));
        VerificationPolicy policy = VerificationPolicy.signedBy(key.verificationKey())
                .requiring(List.of(PredicateTypes.SPDX, PredicateTypes.SLSA_PROVENANCE_V1, PredicateTypes.OPENVEX));
        long[] verify = new long[20];
        int attestations = 0;
        for (int i = -5; i < verify.length; i++) {
            long t0 = System.nanoTime();
            VerificationReport r = ImageVerifier.verify(client, target, policy).orThrow();
            if (i >= 0) {
                verify[i] = System.nanoTime() - t0;
            }
            attestations = r.attestations().size();
        }
        Arrays.sort(sign);
        Arrays.sort(verify);
        System.out.printf("warm median: sign + 2 attestations (both layouts) %.1f ms (p90 %.1f); "
                        + "verify signature + 3 attestation types (%d attestations read) %.1f ms (p90 %.1f)%n",
                sign[10] / 1e6, sign[18] / 1e6, attestations, verify[10] / 1e6, verify[18] / 1e6);
    }

    /** A one-layer image whose layer holds {@code text}, pushed by digest. */
    static ImageReference pushImage(RegistryClient client, String addr, String repo, String text) {
        ImageReference base = ImageReference.parse(addr + "/" + repo + ":v1");
        SignatureStore store = SignatureStore.registry(client, base);
        byte[] layer = text.getBytes(StandardCharsets.UTF_8);
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
        store.putBlob(layer);
        store.putBlob(config);
        Manifest m = Manifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, config),
                List.of(Descriptor.of(MediaTypes.OCI_LAYER, layer)), Map.of());
        Digest d = store.putManifest(m.mediaType(), m.toJson(), "v1");
        return ImageReference.parse(addr + "/" + repo + "@" + d);
    }
}
