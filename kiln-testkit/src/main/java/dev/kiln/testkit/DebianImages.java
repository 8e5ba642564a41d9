package dev.kiln.testkit;

import dev.kiln.content.Digest;
import dev.kiln.content.Gzip;
import dev.kiln.oci.Blob;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.ImageConfig;
import dev.kiln.oci.Manifest;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.OciImage;
import dev.kiln.oci.OciImageSet;
import dev.kiln.oci.OciLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * The conventional image Kiln's are compared with, made here rather than pulled: Debian bookworm minbase plus
 * some packages, by {@code mmdebstrap} from the mirror this machine's apt uses, written by Kiln's own layout
 * writer as a one-layer image that runs as root (as a Debian base image does). The rootfs tar is cached under
 * the repository's {@code target/debian-minbase/} (half a minute to a minute and a half to make).
 */
public final class DebianImages {
    private DebianImages() {}

    /**
     * {@code mmdebstrap --variant=minbase --include=PACKAGES bookworm} as a plain tar named {@code name.tar};
     * skips the calling test (see {@link Tools}) without mmdebstrap, or when no mirror serves bookworm or the
     * archive cannot be reached.
     */
    public static Path minbase(String name, List<String> packages) throws IOException, InterruptedException {
        Tools.require("mmdebstrap", "apt-get install mmdebstrap");
        Path cache = Path.of(System.getProperty("kiln.repo.root", "."))
                .resolve("target/debian-minbase")
                .resolve(name + ".tar");
        if (Files.isRegularFile(cache)) {
            return cache;
        }
        Optional<String> mirror = mirror();
        if (mirror.isEmpty()) {
            Assumptions.abort("no bookworm mirror in /etc/apt/sources.list(.d)");
        }
        Files.createDirectories(cache.getParent());
        Path partial = cache.resolveSibling(name + ".tar.partial");
        Path log = cache.resolveSibling(name + ".log");
        List<String> command = new ArrayList<>(List.of(
                "mmdebstrap",
                // root mode needs root; unshare mode needs user namespaces, which a plain user has where root does not
                "--mode=" + ("root".equals(System.getProperty("user.name")) ? "root" : "unshare"),
                "--variant=minbase",
                "--format=tar",
                "--quiet"));
        if (!packages.isEmpty()) {
            command.add("--include=" + String.join(",", packages));
        }
        command.addAll(List.of("bookworm", partial.toString(), mirror.orElseThrow()));
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("mmdebstrap took more than 15 minutes; see " + log);
        }
        if (p.exitValue() != 0) {
            Assumptions.abort("mmdebstrap failed (no access to the Debian archive?); see " + log);
        }
        Files.move(partial, cache, StandardCopyOption.ATOMIC_MOVE);
        return cache;
    }

    /**
     * An OCI layout at {@code layout} holding {@code rootfsTar} as one gzip layer (Kiln's default level, so
     * compressed sizes compare with Kiln's own images), user root, {@code /bin/bash} as its command.
     */
    public static void writeLayout(Path rootfsTar, Path layout, String refName) throws IOException {
        Files.createDirectories(layout.toAbsolutePath().getParent());
        Path gz = layout.toAbsolutePath().resolveSibling(layout.getFileName() + ".layer.tar.gz");
        try (InputStream in = Files.newInputStream(rootfsTar);
                OutputStream out = Gzip.compressing(Files.newOutputStream(gz), Gzip.DEFAULT_LEVEL)) {
            in.transferTo(out);
        }
        Descriptor layer = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digest.sha256(gz), Files.size(gz));
        ImageConfig config = new ImageConfig(
                "2025-01-01T00:00:00Z",
                null,
                "amd64",
                "linux",
                null,
                new ImageConfig.Runtime(
                        null,
                        null,
                        List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                        null,
                        List.of("/bin/bash"),
                        null,
                        null,
                        null,
                        null),
                List.of(Digest.sha256(rootfsTar)),
                List.of());
        byte[] configJson = config.toJson();
        Manifest manifest = Manifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, configJson), List.of(layer), Map.of());
        OciImage image = OciImage.of(manifest, config, List.of(Blob.ofFile(layer, gz)));
        new OciLayout(layout).write(OciImageSet.of(List.of(image), Map.of()), refName);
    }

    /** The first deb URI that serves bookworm, from deb822 .sources files or one-line sources.list entries. */
    public static Optional<String> mirror() throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(Path.of("/etc/apt/sources.list"));
        Path dir = Path.of("/etc/apt/sources.list.d");
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.toString().endsWith(".sources") || p.toString().endsWith(".list"))
                        .sorted()
                        .forEach(files::add);
            }
        }
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                continue;
            }
            String text = Files.readString(f, StandardCharsets.UTF_8);
            for (String stanza : text.split("\n\\s*\n")) {
                String uri = field(stanza, "URIs");
                String suites = field(stanza, "Suites");
                String types = field(stanza, "Types");
                if (uri != null
                        && suites != null
                        && types != null
                        && List.of(types.split("\\s+")).contains("deb")
                        && List.of(suites.split("\\s+")).contains("bookworm")) {
                    return Optional.of(uri.split("\\s+")[0]);
                }
            }
            for (String line : text.lines().toList()) {
                String[] w = line.replaceAll("\\[[^]]*]", " ").trim().split("\\s+");
                if (w.length >= 3 && w[0].equals("deb") && w[2].equals("bookworm")) {
                    return Optional.of(w[1]);
                }
            }
        }
        return Optional.empty();
    }

    private static @Nullable String field(String stanza, String name) {
        return stanza.lines()
                .filter(l -> l.startsWith(name + ":"))
                .map(l -> l.substring(name.length() + 1).trim())
                .findFirst()
                .orElse(null);
    }
}
