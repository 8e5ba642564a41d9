package dev.kiln.registry;

import dev.kiln.content.Digest;
import dev.kiln.content.Gzip;
import dev.kiln.content.TarHeader;
import dev.kiln.content.TarType;
import dev.kiln.content.TarWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes an OCI image layout by hand (spec image-layout.md), single- or multi-arch, with real gzip tar layers. */
final class OciLayoutFixture {
    private OciLayoutFixture() {}

    static byte[] layer(long seed, int size) throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        TarWriter w = new TarWriter(tar);
        w.write(TarHeader.of("file-" + seed, TarType.FILE, 0644, size, 0), TestContent.random(seed, size));
        w.finish();
        return tar.toByteArray();
    }

    static Digest blob(Path layout, byte[] content) throws IOException {
        Digest d = Digest.sha256(content);
        Path p = layout.resolve("blobs/sha256").resolve(d.hex());
        Files.createDirectories(p.getParent());
        Files.write(p, content);
        return d;
    }

    /** Writes an image manifest for one architecture with {@code layers} layers; returns its bytes. */
    static byte[] image(Path layout, String arch, long seed, int layers, int layerSize) throws IOException {
        List<String> diffIds = new ArrayList<>();
        StringBuilder layerDescs = new StringBuilder();
        for (int i = 0; i < layers; i++) {
            byte[] tar = layer(seed * 100 + i, layerSize);
            byte[] gz = Gzip.compress(tar, 1);
            diffIds.add("\"" + Digest.sha256(tar) + "\"");
            blob(layout, gz);
            layerDescs
                    .append(i > 0 ? "," : "")
                    .append(TestContent.descriptor("application/vnd.oci.image.layer.v1.tar+gzip", gz));
        }
        byte[] config = ("{\"architecture\":\"" + arch
                        + "\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
                        + String.join(",", diffIds) + "]}}")
                .getBytes(StandardCharsets.UTF_8);
        blob(layout, config);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + TestContent.OCI_MANIFEST + "\",\"config\":"
                        + TestContent.descriptor(TestContent.OCI_CONFIG, config) + ",\"layers\":[" + layerDescs + "]}")
                .getBytes(StandardCharsets.UTF_8);
        blob(layout, manifest);
        return manifest;
    }

    static String platformDescriptor(byte[] manifest, String arch) {
        String d = TestContent.descriptor(TestContent.OCI_MANIFEST, manifest);
        return d.substring(0, d.length() - 1) + ",\"platform\":{\"architecture\":\"" + arch + "\",\"os\":\"linux\"}}";
    }

    /** A layout whose index.json names {@code top} (a manifest or index) under {@code tag}. */
    static void finish(Path layout, String mediaType, byte[] top, String tag) throws IOException {
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        String d = TestContent.descriptor(mediaType, top);
        Files.writeString(
                layout.resolve("index.json"),
                "{\"schemaVersion\":2,\"manifests\":[" + d.substring(0, d.length() - 1)
                        + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + tag + "\"}}]}");
    }

    static byte[] singleArch(Path layout, long seed, int layers, int layerSize) throws IOException {
        byte[] m = image(layout, "amd64", seed, layers, layerSize);
        finish(layout, TestContent.OCI_MANIFEST, m, "v1");
        return m;
    }

    static byte[] multiArch(Path layout, long seed) throws IOException {
        byte[] amd = image(layout, "amd64", seed, 2, 5000);
        byte[] arm = image(layout, "arm64", seed + 1, 2, 5000);
        byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"" + TestContent.OCI_INDEX + "\",\"manifests\":["
                        + platformDescriptor(amd, "amd64") + "," + platformDescriptor(arm, "arm64") + "]}")
                .getBytes(StandardCharsets.UTF_8);
        blob(layout, index);
        finish(layout, TestContent.OCI_INDEX, index, "v1");
        return index;
    }
}
