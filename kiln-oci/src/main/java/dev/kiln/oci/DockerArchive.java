package dev.kiln.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.content.AtomicFiles;
import dev.kiln.content.Digest;
import dev.kiln.content.Gzip;
import dev.kiln.content.TarWriter;
import dev.kiln.oci.internal.ArchiveEntries;
import dev.kiln.oci.internal.OciJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The {@code docker save}/{@code docker load} tarball: {@code manifest.json} listing
 * {@code {Config, RepoTags, Layers}}, the config as {@code sha256:HEX} and layers as
 * {@code HEX.tar.gz} (go-containerregistry's naming). It holds one platform.
 */
public final class DockerArchive implements ImageSink {
    private final Path file;
    private final @Nullable Platform platform;

    /** @param platform which image of a multi-platform set to write; null means the set must have one */
    public DockerArchive(Path file, @Nullable Platform platform) {
        this.file = file;
        this.platform = platform;
    }

    /** What a Docker archive holds for one image. */
    public record Loaded(List<String> repoTags, OciImage image) {
        public Loaded {
            repoTags = List.copyOf(repoTags);
        }
    }

    /** Writes one image tagged {@code tag} ({@code :latest} added when it has no tag); returns the config digest. */
    @Override
    public Digest write(OciImageSet images, String tag) {
        OciImage image;
        if (platform != null) {
            image = images.image(platform);
        } else if (images.images().size() == 1) {
            image = images.images().get(0);
        } else {
            throw new OciException("docker archive " + file + " holds one platform; choose one of "
                    + images.images().stream().map(i -> i.platform().toString()).toList());
        }
        Blob config = image.config();
        String configName = config.descriptor().digest().toString();
        List<String> layerNames = new ArrayList<>();
        Set<String> written = new LinkedHashSet<>();
        ObjectNode entry = OciJson.object();
        entry.put("Config", configName);
        ArrayNode tags = entry.putArray("RepoTags");
        if (tag != null) {
            tags.add(withDefaultTag(tag));
        }
        ArrayNode layers = entry.putArray("Layers");
        for (Blob layer : image.layers()) {
            String name = layer.descriptor().digest().hex()
                    + (MediaTypes.isGzipLayer(layer.descriptor().mediaType()) ? ".tar.gz" : ".tar");
            layers.add(name);
            layerNames.add(name);
        }
        ArrayNode manifest = OciJson.array();
        manifest.add(entry);
        byte[] manifestJson = OciJson.bytes(manifest);
        AtomicFiles.write(file, out -> {
            TarWriter tar = new TarWriter(out);
            ArchiveEntries.blob(tar, configName, config);
            for (int i = 0; i < layerNames.size(); i++) {
                if (written.add(layerNames.get(i))) {
                    ArchiveEntries.blob(tar, layerNames.get(i), image.layers().get(i));
                }
            }
            ArchiveEntries.file(tar, "manifest.json", manifestJson);
            tar.finish();
        });
        return config.descriptor().digest();
    }

    /** Reads every image of the archive; each gets a synthesized OCI manifest over the stored bytes. */
    public List<Loaded> read() {
        Map<String, byte[]> files = ArchiveEntries.readFiles(file);
        byte[] manifestJson = files.get("manifest.json");
        if (manifestJson == null) {
            throw new OciException("docker archive " + file + " has no manifest.json");
        }
        JsonNode list;
        try {
            list = OciJson.MAPPER.readTree(manifestJson);
        } catch (IOException e) {
            throw new OciException("docker archive " + file + ": manifest.json is not JSON: " + e.getMessage(), e);
        }
        if (list == null || !list.isArray()) {
            throw new OciException("docker archive " + file + ": manifest.json must be a JSON array");
        }
        List<Loaded> out = new ArrayList<>();
        for (JsonNode e : list) {
            byte[] config = required(files, OciJson.text(e, "Config", "docker archive manifest.json"));
            List<Blob> layers = new ArrayList<>();
            List<String> layerNames = OciJson.optStrings(e, "Layers");
            if (layerNames == null) {
                throw new OciException("docker archive " + file + ": a manifest.json entry has no Layers");
            }
            for (String name : layerNames) {
                byte[] layer = required(files, name);
                boolean gzip = Gzip.isGzip(layer);
                layers.add(Blob.of(gzip ? MediaTypes.OCI_LAYER_GZIP : MediaTypes.OCI_LAYER, layer));
            }
            Descriptor configDescriptor = Descriptor.of(MediaTypes.OCI_CONFIG, config);
            Manifest manifest = Manifest.of(
                    configDescriptor, layers.stream().map(Blob::descriptor).toList(), Map.of());
            ImageConfig parsed = ImageConfig.parse(config);
            byte[] m = manifest.toJson();
            OciImage image = new OciImage(
                    Blob.of(Descriptor.of(MediaTypes.OCI_MANIFEST, m).withPlatform(parsed.platform()), m),
                    Blob.of(configDescriptor, config),
                    layers);
            List<String> repoTags = OciJson.optStrings(e, "RepoTags");
            out.add(new Loaded(repoTags == null ? List.of() : repoTags, image));
        }
        return out;
    }

    private byte[] required(Map<String, byte[]> files, String name) {
        byte[] b = files.get(name);
        if (b == null) {
            throw new OciException("docker archive " + file + ": manifest.json names '" + name + "', which is missing");
        }
        return b;
    }

    private static String withDefaultTag(String tag) {
        int slash = tag.lastIndexOf('/');
        return tag.indexOf(':', slash + 1) >= 0 || tag.contains("@") ? tag : tag + ":latest";
    }
}
