package dev.kiln.apk;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * APK repositories on the local file system ({@code DIR} or {@code file:DIR}, {@code @TAG} prefixes
 * accepted); every index must verify with the keyring, and every package with its index entry and
 * the keyring. Remote repositories are reported, not fetched.
 */
public final class LocalRepositories {
    private final Path baseDir;
    private final TrustedKeys keys;

    public LocalRepositories(Path baseDir, TrustedKeys keys) {
        this.baseDir = baseDir;
        this.keys = keys;
    }

    public Path directory(String repository) {
        return directory(baseDir, repository);
    }

    /**
     * The folder of a local repository as image configs and {@code --repository-append} name it: a path relative
     * to {@code baseDir}, a {@code file:} URI, either after an {@code @tag}; a remote URL is refused.
     */
    public static Path directory(Path baseDir, String repository) {
        String r = repository.trim();
        if (r.startsWith("@")) {
            int space = r.indexOf(' ');
            r = space < 0 ? r : r.substring(space + 1).trim();
        }
        if (r.startsWith("file:")) {
            return Path.of(URI.create(r));
        }
        if (r.startsWith("http://") || r.startsWith("https://")) {
            throw new ApkException("repository " + repository + " is remote; Kiln builds images from local"
                    + " repositories (pass --repository DIR)");
        }
        return baseDir.resolve(r).normalize();
    }

    public List<RepositoryPackage> packages(List<String> repositories, String arch) {
        List<RepositoryPackage> out = new ArrayList<>();
        for (int i = 0; i < repositories.size(); i++) {
            String repo = repositories.get(i);
            Path index = directory(repo).resolve(arch).resolve("APKINDEX.tar.gz");
            if (!Files.isRegularFile(index)) {
                throw new ApkException("repository " + repo + " has no index for " + arch + " (" + index + ")");
            }
            ApkIndex parsed;
            try {
                parsed = ApkIndex.read(index, keys);
            } catch (ApkException e) {
                throw new ApkException("repository " + repo + ": " + e.getMessage(), e);
            }
            for (IndexEntry e : parsed.entries()) {
                if (e.arch() == null || e.arch().equals(arch) || e.arch().equals("noarch")) {
                    out.add(new RepositoryPackage(e, repo, i));
                }
            }
        }
        return out;
    }

    /** Reads and verifies the package file behind an index entry. */
    public ApkPackage fetch(RepositoryPackage p, String arch) {
        return fetch(p, arch, ApkReader.DataSink.NONE);
    }

    /**
     * Reads the package file behind an index entry, handing its data entries to {@code sink} as they are
     * unpacked (see {@link ApkReader.DataSink}), then verifies it against the index and the keyring: a
     * package that fails throws after {@code sink} has seen its entries, so what the sink made of them must be
     * dropped.
     */
    public ApkPackage fetch(RepositoryPackage p, String arch, ApkReader.DataSink sink) {
        Path file = directory(p.repository()).resolve(arch).resolve(p.fileName());
        if (!Files.isRegularFile(file)) {
            throw new ApkException("repository " + p.repository() + " lists " + p + " but " + file + " is missing");
        }
        try {
            ApkPackage apk = ApkReader.read(file, sink);
            if (!apk.identity().equals(p.entry().checksum())) {
                throw new ApkException("package " + file + " has identity " + apk.identity() + " but the index of "
                        + p.repository() + " says " + p.entry().checksum());
            }
            apk.verify(keys);
            return apk;
        } catch (ApkException e) {
            throw new ApkException("package " + file + ": " + e.getMessage(), e);
        }
    }
}
