package dev.kiln.apk;

import dev.kiln.content.AtomicFiles;
import dev.kiln.content.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A local APK repository {@code ROOT/ARCH/{NAME-VERSION.apk, APKINDEX.tar.gz}} (apk.md §7.1).
 * Published packages are immutable: re-publishing the same name and version with other bytes is
 * refused before anything is changed.
 */
public final class ApkRepository {
    public static final String INDEX_FILE = "APKINDEX.tar.gz";
    private static final Pattern ARCH = Pattern.compile("[a-z0-9_]+");

    private final Path root;

    public ApkRepository(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** What {@link #publish} did: the packages copied in, those already present with equal bytes, and the new index. */
    public record PublishResult(Path indexFile, List<Path> added, List<Path> unchanged, ApkIndex index) {
        public PublishResult {
            added = List.copyOf(added);
            unchanged = List.copyOf(unchanged);
        }
    }

    public static String fileName(PkgInfo info) {
        return info.name() + "-" + info.version() + ".apk";
    }

    public Path archDir(String arch) {
        if (arch == null || !ARCH.matcher(arch).matches()) {
            throw new ApkException("repository " + root + ": invalid architecture name '" + arch + "'");
        }
        return root.resolve(arch);
    }

    /** The current index of {@code arch}, empty if none was written yet; the signature is not checked. */
    public ApkIndex index(String arch) {
        Path file = archDir(arch).resolve(INDEX_FILE);
        return Files.exists(file) ? ApkIndex.readUnverified(file) : ApkIndex.of(List.of());
    }

    /**
     * The current index, which must verify with {@code key}: a repository is only ever extended
     * by the key that signed it, so a wrong key cannot silently re-sign what others trust.
     */
    private ApkIndex indexSignedBy(String arch, ApkSigningKey key) {
        Path file = archDir(arch).resolve(INDEX_FILE);
        if (!Files.exists(file)) {
            return ApkIndex.of(List.of());
        }
        try {
            return ApkIndex.read(file, TrustedKeys.of(key));
        } catch (ApkException e) {
            throw new ApkException(
                    "repository " + file + " does not verify with signing key " + key.keyName() + " (" + e.getMessage()
                            + "); use the key that signed it, or publish to another repository",
                    e);
        }
    }

    /**
     * Writes an empty signed index for {@code arch} when the repository has none, so that builds and images that
     * name a repository nothing was published to yet resolve (their packages then come from other repositories).
     */
    public void ensureIndex(String arch, ApkSigningKey key, long sourceDateEpoch) {
        if (!Files.exists(archDir(arch).resolve(INDEX_FILE))) {
            reindex(arch, key, sourceDateEpoch);
        }
    }

    /** {@link #reindex(String, ApkSigningKey, TrustedKeys, long)} trusting only {@code key}'s own packages. */
    public int reindex(String arch, ApkSigningKey key, long sourceDateEpoch) {
        return reindex(arch, key, TrustedKeys.of(Map.of()), sourceDateEpoch);
    }

    /**
     * Rewrites the signed index of {@code arch} from the packages in its directory; returns their
     * count. apk-tools trusts a package through a signed index, so every package must first verify
     * against {@code key}'s public half or one of {@code alsoTrusted} (melange's
     * {@code --keyring-append}); one that does not is refused, naming the file and the reason, and
     * the index is left as it was.
     */
    public int reindex(String arch, ApkSigningKey key, TrustedKeys alsoTrusted, long sourceDateEpoch) {
        Path dir = archDir(arch);
        TrustedKeys trusted = TrustedKeys.of(key).and(alsoTrusted);
        List<IndexEntry> entries = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                for (Path apk : files.filter(f -> f.getFileName().toString().endsWith(".apk"))
                        .sorted()
                        .toList()) {
                    ApkPackage pkg = verified(apk, trusted);
                    entries.add(IndexEntry.of(pkg, pkg.fileSize()));
                }
            } catch (java.io.IOException e) {
                throw new ApkException("repository " + dir + ": cannot list packages: " + e.getMessage(), e);
            }
        }
        ApkIndex.of(entries).write(dir.resolve(INDEX_FILE), key, "kiln repository " + arch, sourceDateEpoch);
        return entries.size();
    }

    /** Reads {@code apk} and checks its signature, datahash and file checksums against {@code trusted}. */
    private static ApkPackage verified(Path apk, TrustedKeys trusted) {
        try {
            ApkPackage pkg = ApkReader.read(apk);
            pkg.verify(trusted);
            return pkg;
        } catch (ApkException e) {
            throw new ApkException("refusing to index " + apk + ": " + e.getMessage(), e);
        }
    }

    /**
     * Copies {@code apks} into the repository and re-signs its index. Each package must verify
     * with {@code key} (the builder signs with the key that signs the index); nothing changes on
     * disk unless every package passes every check.
     */
    public PublishResult publish(String arch, List<Path> apks, ApkSigningKey key, long sourceDateEpoch) {
        Path dir = archDir(arch);
        // Phase 1: read and check everything; nothing on disk changes if any check fails.
        ApkIndex current = indexSignedBy(arch, key);
        Map<Path, ApkPackage> toCopy = new LinkedHashMap<>();
        Map<Path, Digest> planned = new LinkedHashMap<>();
        List<Path> unchanged = new ArrayList<>();
        List<IndexEntry> entries = new ArrayList<>();
        TrustedKeys trusted = TrustedKeys.of(key);
        for (Path apk : apks) {
            ApkPackage pkg = verified(apk, trusted);
            PkgInfo info = pkg.pkgInfo();
            if (!info.arch().equals(arch) && !info.arch().equals("noarch")) {
                throw new ApkException("cannot publish " + apk + " to " + dir + ": package arch is " + info.arch()
                        + ", repository arch is " + arch);
            }
            Path target = dir.resolve(fileName(info));
            Digest before = planned.get(target);
            if (before != null && !before.equals(pkg.sha256())) {
                throw new ApkException("cannot publish " + apk + ": " + fileName(info)
                        + " is given twice with different bytes: " + before + " vs " + pkg.sha256());
            }
            planned.put(target, pkg.sha256());
            if (Files.exists(target)) {
                Digest existing = Digest.sha256(target);
                if (!existing.equals(pkg.sha256())) {
                    throw new ApkException("cannot publish " + apk + ": " + target
                            + " already published with different bytes: " + existing + " vs " + pkg.sha256()
                            + " (bump the epoch to publish a rebuild)");
                }
                unchanged.add(target);
            } else if (before == null) {
                toCopy.put(apk, pkg);
            }
            entries.add(IndexEntry.of(pkg, pkg.fileSize()));
        }
        ApkIndex index = current.withEntries(entries);

        // Phase 2: copy packages, then replace the index; each step is atomic.
        List<Path> added = new ArrayList<>();
        for (Map.Entry<Path, ApkPackage> e : toCopy.entrySet()) {
            Path target = dir.resolve(fileName(e.getValue().pkgInfo()));
            AtomicFiles.copy(e.getKey(), target);
            added.add(target);
        }
        Path indexFile = dir.resolve(INDEX_FILE);
        index.write(indexFile, key, "kiln repository " + arch, sourceDateEpoch);
        return new PublishResult(indexFile, added, unchanged, index);
    }
}
