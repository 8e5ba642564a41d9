package dev.kiln.server;

import dev.kiln.content.Hashing;
import dev.kiln.image.ImageBuilder;
import dev.kiln.image.ImageSpec;
import dev.kiln.image.ImageSpecLoader;
import dev.kiln.oci.ImageReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A fingerprint of everything an image is assembled from, so a reconcile can tell without assembling it
 * that it would come out as the image it published last time: the parsed config (includes merged), the
 * index of every repository it installs from, the epoch, the reference, and the assembler's own code.
 * Null (no shortcut, the image is assembled) when some input is not a local file Kiln can fingerprint: a
 * remote repository or a base image.
 */
final class ImageInputs {
    private ImageInputs() {}

    /** The fingerprint of an image from {@code config}, resolved also from the local {@code extraRepositories}. */
    static @Nullable String fingerprint(
            Path config, ImageReference ref, @Nullable Long epoch, List<Path> extraRepositories) {
        ImageSpec spec = ImageSpecLoader.load(config);
        ImageSpec.Contents contents = spec.contents();
        if (contents.baseImage() != null) {
            return null;
        }
        List<String> repositories = new ArrayList<>();
        repositories.addAll(contents.repositories());
        repositories.addAll(contents.buildRepositories());
        repositories.addAll(contents.runtimeRepositories());
        MessageDigest sha = Hashing.sha256();
        update(sha, "kiln image inputs v1");
        update(sha, spec.toString());
        update(sha, ref.toString());
        update(sha, String.valueOf(epoch));
        update(sha, assemblerIdentity());
        Path dir = Objects.requireNonNull(config.toAbsolutePath().getParent(), "an absolute file path has a parent");
        List<Path> roots = new ArrayList<>();
        try {
            for (String repository : repositories) {
                if (repository.contains("://") || repository.startsWith("@")) {
                    return null;
                }
                roots.add(dir.resolve(repository));
            }
            roots.addAll(extraRepositories);
            for (Path root : roots) {
                if (!Files.isDirectory(root)) {
                    return null;
                }
                try (Stream<Path> arches = Files.list(root)) {
                    for (Path index : arches.map(a -> a.resolve("APKINDEX.tar.gz"))
                            .filter(Files::isRegularFile)
                            .sorted()
                            .toList()) {
                        update(sha, root.relativize(index).toString());
                        sha.update(Files.readAllBytes(index));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the repositories of " + config, e);
        }
        return Hashing.hex(sha.digest());
    }

    /** The assembler's code: its jar's (or class folder's) size and time, so a new Kiln assembles again. */
    private static String assemblerIdentity() {
        try {
            Path code = Path.of(ImageBuilder.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            return code + " " + Files.size(code) + " "
                    + Files.getLastModifiedTime(code).toMillis();
        } catch (IOException | URISyntaxException | RuntimeException e) {
            // unknown code: a value no run repeats, so nothing is skipped
            return "unknown " + System.nanoTime();
        }
    }

    private static void update(MessageDigest sha, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        sha.update(Integer.toString(bytes.length).getBytes(StandardCharsets.UTF_8));
        sha.update((byte) ':');
        sha.update(bytes);
    }
}
