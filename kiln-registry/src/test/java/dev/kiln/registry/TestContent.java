package dev.kiln.registry;

import dev.kiln.content.Digest;
import dev.kiln.oci.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Blobs and manifests for tests: deterministic bytes, real digests. */
final class TestContent {
    static final String OCI_MANIFEST = MediaTypes.OCI_MANIFEST;
    static final String OCI_INDEX = MediaTypes.OCI_INDEX;
    static final String OCI_CONFIG = MediaTypes.OCI_CONFIG;
    static final String OCI_LAYER = MediaTypes.OCI_LAYER;

    private TestContent() {}

    static byte[] random(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] config(String arch) {
        return ("{\"architecture\":\"" + arch + "\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static String descriptor(String mediaType, byte[] content) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + Digest.sha256(content) + "\",\"size\":"
                + content.length + "}";
    }

    static byte[] manifest(byte[] config, byte[]... layers) {
        StringBuilder sb = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":")
                .append(descriptor(OCI_CONFIG, config))
                .append(",\"layers\":[");
        for (int i = 0; i < layers.length; i++) {
            sb.append(i > 0 ? "," : "").append(descriptor(OCI_LAYER, layers[i]));
        }
        return sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }
}
