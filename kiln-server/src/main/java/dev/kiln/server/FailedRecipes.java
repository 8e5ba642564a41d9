package dev.kiln.server;

import dev.kiln.apk.RepositoryPackage;
import dev.kiln.image.ImageBuildOptions;
import dev.kiln.image.ImageBuilder;
import dev.kiln.image.ImageSpec;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The recipes that failed in this run, and which images they hold back. An image that would install a package of
 * a failed recipe is not assembled: its repository still has that recipe's last good packages beside packages just
 * rebuilt against the new ones (curl's against a new OpenSSL), a mix no build produced. Every other image is
 * assembled as usual, so one recipe that cannot build (say, its tarball is gone) does not stop the catalog.
 */
final class FailedRecipes {
    private final Set<String> failed;
    private final ImageBuilder resolver;

    FailedRecipes(Set<String> failed, Clock clock) {
        this.failed = Set.copyOf(failed);
        this.resolver = new ImageBuilder(clock);
    }

    /**
     * The failed recipes whose packages the image resolves to (the origin its repository's index records for each),
     * in name order; empty when none.
     */
    List<String> holdingBack(ImageSpec spec, ImageBuildOptions options) {
        if (failed.isEmpty()) {
            return List.of();
        }
        Set<String> behind = new TreeSet<>();
        for (List<RepositoryPackage> packages :
                resolver.resolvedPackages(spec, options).values()) {
            for (RepositoryPackage p : packages) {
                String origin = Objects.requireNonNullElse(p.entry().origin(), p.name());
                if (failed.contains(origin)) {
                    behind.add(origin);
                }
            }
        }
        return List.copyOf(behind);
    }
}
