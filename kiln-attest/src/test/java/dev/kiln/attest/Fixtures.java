package dev.kiln.attest;

import dev.kiln.content.Digest;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Manifest;
import dev.kiln.oci.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/** A tiny image and predicates, written through a real store. */
final class Fixtures {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-01T12:00:00Z"), ZoneOffset.UTC);
    static final SecureRandom RANDOM = new SecureRandom();

    private Fixtures() {}

    /** Pushes a one-layer image under {@code tag}; returns its manifest digest. */
    static Digest pushImage(SignatureStore store, String tag, String note) {
        byte[] layer = ("layer bytes " + note).getBytes(StandardCharsets.UTF_8);
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                        + Digest.sha256(layer) + "\"]}}")
                .getBytes(StandardCharsets.UTF_8);
        store.putBlob(layer);
        store.putBlob(config);
        Manifest m = Manifest.of(
                Descriptor.of(MediaTypes.OCI_CONFIG, config),
                List.of(Descriptor.of(MediaTypes.OCI_LAYER, layer)),
                Map.of("note", note));
        return store.putManifest(m.mediaType(), m.toJson(), tag);
    }

    static byte[] layerOf(String note) {
        return ("layer bytes " + note).getBytes(StandardCharsets.UTF_8);
    }

    static Attestation spdx() {
        return new Attestation(
                PredicateTypes.SPDX,
                ("{\"spdxVersion\":\"SPDX-2.3\",\"SPDXID\":\"SPDXRef-DOCUMENT\"," + "\"name\":\"app\",\"packages\":[]}")
                        .getBytes(StandardCharsets.UTF_8));
    }

    static Attestation provenance() {
        return SlsaProvenance.builder(SlsaProvenance.IMAGE_BUILD_TYPE, SlsaProvenance.LOCAL_BUILDER_ID)
                .externalParameter("config", Map.of("contents", Map.of("packages", List.of("hello=2.12-r0"))))
                .resolvedDependency(ResourceDescriptor.of(
                        "hello",
                        "pkg:apk/kiln/hello@2.12-r0?arch=x86_64",
                        "sha256",
                        Digest.sha256(new byte[] {1}).hex()))
                .invocationId("test")
                .startedOn(CLOCK.instant())
                .finishedOn(CLOCK.instant())
                .build()
                .attestation();
    }
}
