package dev.kiln.build;

import dev.kiln.apk.Installer;
import dev.kiln.apk.RepositoryPackage;
import dev.kiln.content.FileTrees;
import dev.kiln.sandbox.IdentityMap;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Installed build environments, kept under {@code CACHE/environments/KEY} by the key of their resolved
 * package set ({@link ResolvedEnvironment#key()}), so that every build with the same environment starts
 * from the same installed tree without installing anything. A build never runs in the cached tree itself:
 * it gets a private copy ({@link #privateCopy}) it may change, {@code /usr} included.
 *
 * <p>An entry appears whole or not at all: it is installed beside its final name and renamed into place;
 * when two builds install the same environment at once, the second rename loses and its tree is dropped.
 */
final class EnvironmentCache {
    /** Written into every installed database; fixed, so that an environment's bytes depend on its packages only. */
    static final long INSTALL_EPOCH = 0;

    private final Path root;

    EnvironmentCache(Path cacheDir) {
        this.root = cacheDir.resolve("environments");
    }

    /** An installed environment and whether it came from the cache. */
    record Installed(Path rootfs, String key, boolean cacheHit) {}

    Installed install(ResolvedEnvironment env) throws IOException {
        String key = env.key();
        Path entry = root.resolve(key);
        if (Files.isDirectory(entry)) {
            return new Installed(entry, key, true);
        }
        Files.createDirectories(root);
        Path partial = Files.createTempDirectory(root, key + ".partial-");
        try {
            writeRoot(env, partial);
            moveIntoPlace(partial, entry);
        } catch (IOException | RuntimeException e) {
            FileTrees.delete(partial);
            throw e;
        }
        return new Installed(entry, key, false);
    }

    /**
     * Renames a fully installed {@code partial} to {@code entry}; when another build got there first (rename(2)
     * onto a non-empty directory fails with ENOTEMPTY, which the JDK reports as a plain
     * FileSystemException under ATOMIC_MOVE), {@code partial} is dropped and theirs is used.
     *
     * @return false when the entry was already there
     */
    static boolean moveIntoPlace(Path partial, Path entry) throws IOException {
        try {
            Files.move(partial, entry, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (FileSystemException e) {
            if (!Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                throw e;
            }
            FileTrees.delete(partial);
            return false;
        }
    }

    /**
     * Installs {@code env} (packages, then the apk database at {@code lib/apk/db/installed}) into {@code dir},
     * each package written as it is read and verified: decompressed once, no file held in memory. A package
     * that fails verification throws after some of its files are in {@code dir}, which the caller then drops.
     */
    static void writeRoot(ResolvedEnvironment env, Path dir) {
        Installer installer = Installer.intoDirectory(dir, INSTALL_EPOCH);
        for (RepositoryPackage p : env.packages()) {
            installer.install(p, sink -> env.fetch().read(p, sink));
        }
        installer.writeDatabase();
    }

    /**
     * A private copy of an installed environment at {@code target} for a build with {@code identity}. When
     * Kiln runs as root the copy is a hard-link farm: fresh directories owned by the build's root, files
     * shared with the cache and owned by host root, outside the build's id range, so the build can replace
     * them but never write into them (and so never into the cache). When Kiln is an ordinary user, the
     * build's root is that same user, who owns the cache and could write through a link: then it is a copy.
     */
    static void privateCopy(Path cached, Path target, IdentityMap identity) throws IOException {
        boolean subordinate = identity.kind() == IdentityMap.Kind.SUBORDINATE;
        FileTrees.linkFarm(
                cached,
                target,
                subordinate,
                subordinate ? identity.hostUid() : -1,
                subordinate ? identity.hostGid() : -1);
    }

    /** For tests: where {@code key}'s environment is kept. */
    Path entry(String key) {
        return root.resolve(key);
    }
}
