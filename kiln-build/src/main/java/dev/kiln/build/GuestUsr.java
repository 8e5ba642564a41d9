package dev.kiln.build;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A {@code /usr} for a test guest in the host-toolchain stage: the package's own files laid
 * over the host's {@code /usr}, without root and without overlayfs (bubblewrap 0.8 has none).
 * Directories the package shares with the host become real directories; every host entry the
 * package does not replace becomes a symlink into the host {@code /usr}, mounted read-only at
 * {@link #HOST_USR} in the guest.
 */
final class GuestUsr {
    static final String HOST_USR = "/var/lib/kiln/host-usr";

    private GuestUsr() {}

    /** Builds the merged tree in {@code target} from {@code hostUsr} and the package's {@code usr}. */
    static void build(Path hostUsr, Path packageUsr, Path target) throws IOException {
        merge(hostUsr, packageUsr, target, HOST_USR);
    }

    private static void merge(@Nullable Path hostDir, Path packageDir, Path target, String guestHostPath)
            throws IOException {
        Files.createDirectories(target);
        Set<String> taken = new HashSet<>();
        if (packageDir != null && Files.isDirectory(packageDir, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(packageDir)) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString();
                    taken.add(name);
                    Path host = hostDir == null ? null : hostDir.resolve(name);
                    if (host != null
                            && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)
                            && Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS)) {
                        merge(host, entry, target.resolve(name), guestHostPath + "/" + name);
                    } else if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                        merge(null, entry, target.resolve(name), guestHostPath + "/" + name);
                    } else {
                        Files.copy(
                                entry,
                                target.resolve(name),
                                StandardCopyOption.COPY_ATTRIBUTES,
                                LinkOption.NOFOLLOW_LINKS);
                    }
                }
            }
        }
        if (hostDir == null) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(hostDir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!taken.contains(name)) {
                    Files.createSymbolicLink(target.resolve(name), Path.of(guestHostPath + "/" + name));
                }
            }
        }
    }
}
