package dev.kiln.image;

import dev.kiln.apk.RepositoryPackage;
import dev.kiln.apk.ResolveException;
import dev.kiln.apk.Resolver;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Resolution against a lock: only the locked package of each name is a candidate, so the config's
 * world resolves to exactly the locked versions, in the order a fresh resolution would install them
 * (a build from a current lock equals a build without it). A locked package that a repository does
 * not offer, or offers with other content, is an error rather than a silent substitute.
 */
final class LockedPackages {
    private LockedPackages() {}

    static List<RepositoryPackage> resolve(
            ImageLock lock,
            List<String> world,
            Supplier<List<RepositoryPackage>> repositoryPackages,
            String arch,
            List<String> repositories) {
        String source = lock.configName().isEmpty() ? "lock" : "lock of " + lock.configName();
        List<ImageLock.Locked> locked = lock.packages().stream()
                .filter(p -> p.architecture().equals(arch))
                .toList();
        if (locked.isEmpty()) {
            throw new ImageException(source + ": no packages for " + arch + "; it locks "
                    + lock.packages().stream()
                            .map(ImageLock.Locked::architecture)
                            .distinct()
                            .sorted()
                            .toList()
                    + " (run kiln image lock with --arch " + arch + ")");
        }
        List<RepositoryPackage> available = repositoryPackages.get();
        List<RepositoryPackage> candidates = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (ImageLock.Locked l : locked) {
            List<RepositoryPackage> same = available.stream()
                    .filter(p -> p.name().equals(l.name()) && p.version().equals(l.version()))
                    .toList();
            RepositoryPackage match = same.stream()
                    .filter(p -> p.entry().checksum().equals(l.checksum()))
                    .findFirst()
                    .orElse(null);
            if (match != null) {
                candidates.add(match);
            } else if (same.isEmpty()) {
                problems.add(l.name() + "-" + l.version() + " (" + arch + ") is in no repository " + repositories);
            } else {
                problems.add(l.name() + "-" + l.version() + " (" + arch + ") has checksum " + l.checksum()
                        + " in the lock, but " + same.get(0).repository() + " has "
                        + same.get(0).entry().checksum());
            }
        }
        if (!problems.isEmpty()) {
            throw new ImageException(source + ": " + String.join("; ", problems));
        }
        Resolver resolver = new Resolver(candidates, arch, repositories);
        List<RepositoryPackage> resolved;
        try {
            resolved = resolver.resolve(world);
            Set<String> chosen = resolved.stream().map(RepositoryPackage::name).collect(Collectors.toSet());
            List<String> extra = locked.stream()
                    .filter(l -> !chosen.contains(l.name()))
                    .map(l -> l.name() + "=" + l.version())
                    .toList();
            if (!extra.isEmpty()) {
                // The lock installs what it lists, even what the config no longer pulls in.
                List<String> all = new ArrayList<>(world);
                all.addAll(extra);
                resolved = resolver.resolve(all);
            }
        } catch (ResolveException e) {
            throw new ImageException(source + ": the locked packages do not satisfy the config: " + e.getMessage(), e);
        }
        return resolved;
    }
}
