package dev.kiln.vuln.image;

import dev.kiln.content.ContentException;
import dev.kiln.oci.Blob;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.DockerArchive;
import dev.kiln.oci.ImageConfig;
import dev.kiln.oci.ImageIndex;
import dev.kiln.oci.ImageReference;
import dev.kiln.oci.Manifest;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.OciArchive;
import dev.kiln.oci.OciException;
import dev.kiln.oci.OciImage;
import dev.kiln.oci.OciImageSet;
import dev.kiln.oci.OciLayout;
import dev.kiln.oci.Platform;
import dev.kiln.oci.distribution.DistributionException;
import dev.kiln.oci.distribution.Fetched;
import dev.kiln.oci.distribution.IoSupplier;
import dev.kiln.oci.distribution.RegistryClient;
import dev.kiln.vuln.VulnException;
import dev.kiln.vuln.inventory.Rootfs;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads one platform's image from any {@link ImageSource} into a {@link LoadedImage}: the same path for
 * {@code kiln scan}, {@code vex}, {@code compare} and {@code diff}. Layers stream through once; only the
 * files a scanner reads are kept.
 */
public final class ImageLoader {
    public static final Platform DEFAULT_PLATFORM = Platform.linux("amd64", null);
    private static final List<String> ACCEPT = List.of(
            MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST_LIST, MediaTypes.DOCKER_MANIFEST);

    private final @Nullable RegistryClient registry;

    /** @param registry the client for registry references; null refuses them */
    public ImageLoader(@Nullable RegistryClient registry) {
        this.registry = registry;
    }

    public LoadedImage load(String target, @Nullable Platform platform) {
        return load(ImageSource.parse(target), platform);
    }

    /** Loads {@code platform}'s image ({@link #DEFAULT_PLATFORM} when null) from {@code source}. */
    public LoadedImage load(ImageSource source, @Nullable Platform platform) {
        Platform wanted = platform == null ? DEFAULT_PLATFORM : platform;
        String name = source.describe();
        try {
            if (source instanceof ImageSource.LayoutDir l) {
                return fromSet(name, new OciLayout(l.dir()).read(l.refName()), wanted);
            } else if (source instanceof ImageSource.OciArchiveFile a) {
                return fromSet(name, new OciArchive(a.file()).read(a.refName()), wanted);
            } else if (source instanceof ImageSource.DockerArchiveFile d) {
                return fromDocker(name, d, wanted);
            } else if (source instanceof ImageSource.Registry r) {
                return fromRegistry(name, r.reference(), wanted);
            } else if (source instanceof ImageSource.RootfsDir r) {
                return new LoadedImage(name, null, null, List.of(), Rootfs.ofDirectory(r.dir()));
            }
            ImageSource.LayerTar t = (ImageSource.LayerTar) source;
            return fromLayers(
                    name,
                    null,
                    null,
                    List.of(new MeasuredLayer("layer " + t.file(), null, () -> Files.newInputStream(t.file()))),
                    null);
        } catch (OciException | DistributionException | ContentException | UncheckedIOException e) {
            throw new VulnException("image " + name + ": " + e.getMessage(), e);
        }
    }

    /** True when {@code have} runs as {@code wanted}: same OS and architecture, variants equal where both say one. */
    public static boolean runsAs(Platform have, Platform wanted) {
        return have.os().equals(wanted.os())
                && have.architecture().equals(wanted.architecture())
                && (have.variant() == null
                        || wanted.variant() == null
                        || have.variant().equals(wanted.variant()));
    }

    private LoadedImage fromSet(String name, OciImageSet set, Platform wanted) {
        OciImage image = set.images().stream()
                .filter(i -> runsAs(i.platform(), wanted))
                .findFirst()
                .orElseThrow(() -> noPlatform(
                        name,
                        wanted,
                        set.images().stream().map(OciImage::platform).toList()));
        return fromImage(name, image);
    }

    private LoadedImage fromDocker(String name, ImageSource.DockerArchiveFile d, Platform wanted) {
        List<DockerArchive.Loaded> loaded = new DockerArchive(d.file(), null).read();
        OciImage image = loaded.stream()
                .map(DockerArchive.Loaded::image)
                .filter(i -> runsAs(i.platform(), wanted))
                .findFirst()
                .orElseThrow(() -> noPlatform(
                        name,
                        wanted,
                        loaded.stream().map(l -> l.image().platform()).toList()));
        return fromImage(name, image);
    }

    private LoadedImage fromImage(String name, OciImage image) {
        ImageConfig config = image.parsedConfig();
        List<MeasuredLayer> layers = new ArrayList<>();
        List<Descriptor> descriptors = new ArrayList<>();
        for (Blob b : image.layers()) {
            layers.add(new MeasuredLayer(
                    "layer " + b.descriptor().digest(), b.descriptor().digest(), b::open));
            descriptors.add(b.descriptor());
        }
        return fromLayers(name, image.platform(), config, layers, descriptors);
    }

    private LoadedImage fromRegistry(String name, ImageReference ref, Platform wanted) {
        RegistryClient client = registry;
        if (client == null) {
            throw new VulnException("image " + name + ": registry references need a registry client");
        }
        Fetched<byte[]> top = client.getManifest(ref, ACCEPT);
        Fetched<byte[]> manifest = top;
        if (MediaTypes.isIndex(mediaType(top))) {
            ImageIndex index = ImageIndex.parse(top.body());
            Descriptor chosen = index.manifests().stream()
                    .filter(m -> MediaTypes.isManifest(m.mediaType())
                            && m.platform() != null
                            && runsAs(m.platform(), wanted))
                    .findFirst()
                    .orElseThrow(() -> noPlatform(
                            name,
                            wanted,
                            index.manifests().stream()
                                    .map(Descriptor::platform)
                                    .filter(p -> p != null)
                                    .toList()));
            manifest = client.getManifest(ref.withDigest(chosen.digest()), ACCEPT);
        }
        Manifest m = Manifest.parse(manifest.body());
        ImageConfig config;
        try (InputStream in = client.getBlob(ref, m.config().digest())) {
            config = ImageConfig.parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("config " + m.config().digest() + ": " + e.getMessage(), e);
        }
        if (!runsAs(config.platform(), wanted)) {
            throw noPlatform(name, wanted, List.of(config.platform()));
        }
        List<MeasuredLayer> layers = new ArrayList<>();
        for (Descriptor d : m.layers()) {
            IoSupplier<InputStream> blob = () -> client.getBlob(ref, d.digest());
            layers.add(new MeasuredLayer("layer " + d.digest(), d.digest(), blob));
        }
        return fromLayers(name, config.platform(), config, layers, m.layers());
    }

    /** The manifest's own mediaType field wins over a missing or generic Content-Type. */
    private static String mediaType(Fetched<byte[]> fetched) {
        String declared = fetched.mediaType();
        if (declared != null && (MediaTypes.isIndex(declared) || MediaTypes.isManifest(declared))) {
            return declared;
        }
        String body = new String(fetched.body(), java.nio.charset.StandardCharsets.UTF_8);
        return body.contains("\"manifests\"") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
    }

    /** @param descriptors the layers' descriptors, in order; null for a bare layer tar */
    private LoadedImage fromLayers(
            String name,
            @Nullable Platform platform,
            @Nullable ImageConfig config,
            List<MeasuredLayer> layers,
            @Nullable List<Descriptor> descriptors) {
        Rootfs fs;
        try {
            fs = Rootfs.ofLayers(List.copyOf(layers));
        } catch (VulnException e) {
            throw new VulnException("image " + name + ": " + e.getMessage(), e);
        }
        List<LoadedImage.Layer> facts = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Descriptor d = descriptors == null ? null : descriptors.get(i);
            facts.add(new LoadedImage.Layer(
                    d == null ? null : d.digest(),
                    d == null ? null : d.mediaType(),
                    layers.get(i).compressed(),
                    layers.get(i).uncompressed()));
        }
        return new LoadedImage(name, platform, config, facts, fs);
    }

    private static VulnException noPlatform(String name, Platform wanted, List<Platform> available) {
        return new VulnException("image " + name + " has no " + wanted + " image; it has "
                + available.stream().map(Platform::toString).toList() + " (choose one with --platform)");
    }
}
