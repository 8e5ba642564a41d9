package dev.kiln.build;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A {@code /usr} for a test guest in the host-toolchain stage: the package's own files, and those of the
 * packages of its build it needs at run time, laid over the host's {@code /usr}, without root and without overlayfs (bubblewrap 0.8 has none).
 * Directories the package shares with the host become real directories; every host entry the
 * package does not replace becomes a symlink into the host {@code /usr}, mounted read-only at
 * {@link #HOST_USR} in the guest.
 */
final class GuestUsr {
    static final String HOST_USR = "/var/lib/kiln/host-usr";

    private GuestUsr() {}

    /**
     * Builds the merged tree in {@code target} from {@code hostUsr} and the packages' {@code usr} folders: the
     * package under test first, then the packages of the same build it needs at run time (where two hold the same
     * file, the first one's is taken).
     */
    static void build(Path hostUsr, List<Path> packageUsrs, Path target) throws IOException {
        merge(hostUsr, packageUsrs, target, HOST_USR);
    }

    private static void merge(@Nullable Path hostDir, List<Path> packageDirs, Path target, String guestHostPath)
            throws IOException {
        Files.createDirectories(target);
        // every name the packages hold here, with each package's entry in the packages' order
        Map<String, List<Path>> byName = new TreeMap<>();
        for (Path packageDir : packageDirs) {
            if (!Files.isDirectory(packageDir, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(packageDir)) {
                for (Path entry : entries) {
                    byName.computeIfAbsent(entry.getFileName().toString(), n -> new ArrayList<>())
                            .add(entry);
                }
            }
        }
        for (Map.Entry<String, List<Path>> named : byName.entrySet()) {
            String name = named.getKey();
            Path first = named.getValue().get(0);
            if (Files.isDirectory(first, LinkOption.NOFOLLOW_LINKS)) {
                List<Path> dirs = named.getValue().stream()
                        .filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                        .toList();
                Path host = hostDir == null ? null : hostDir.resolve(name);
                merge(
                        host != null && Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS) ? host : null,
                        dirs,
                        target.resolve(name),
                        guestHostPath + "/" + name);
            } else {
                Files.copy(first, target.resolve(name), StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            }
        }
        if (hostDir == null) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(hostDir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!byName.containsKey(name)) {
                    Files.createSymbolicLink(target.resolve(name), Path.of(guestHostPath + "/" + name));
                }
            }
        }
    }
}
