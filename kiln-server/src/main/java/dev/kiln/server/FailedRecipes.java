package dev.kiln.server;

import dev.kiln.image.ImageBuildOptions;
import dev.kiln.image.ImageBuilder;
import dev.kiln.image.ImageLock;
import dev.kiln.image.ImageSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The recipes that failed in this run, and which images they hold back. An image that would install a package of
 * a failed recipe is not assembled: its repository still has that recipe's last good packages beside packages just
 * rebuilt against the new ones (curl's against a new OpenSSL), a mix no build produced. Every other image is
 * assembled as usual, so one recipe that cannot build (say, its tarball is gone) does not stop the catalog.
 */
final class FailedRecipes {
    private final Set<String> failed;
    private final Supplier<CatalogGraph> catalog;
    private final ImageBuilder resolver;

    FailedRecipes(Set<String> failed, Supplier<CatalogGraph> catalog, Clock clock) {
        this.failed = Set.copyOf(failed);
        this.catalog = catalog;
        this.resolver = new ImageBuilder(clock);
    }

    /**
     * The failed recipes whose packages the image resolves to, in name order; empty when none. An image on a base
     * image is resolved on top of it, which a lock does not cover: it is checked by its own packages' names.
     */
    List<String> holdingBack(ImageSpec spec, ImageBuildOptions options, Path config) {
        if (failed.isEmpty()) {
            return List.of();
        }
        Set<String> names = new TreeSet<>();
        if (spec.contents().baseImage() == null) {
            ImageLock lock = resolver.lock(spec, options, config.getFileName().toString(), new byte[0]);
            lock.packages().forEach(p -> names.add(p.name()));
        } else {
            spec.contents().packages().forEach(atom -> names.add(atom.split("[=<>~]")[0]));
        }
        Set<String> behind = new TreeSet<>();
        for (String name : names) {
            String origin = catalog.get().graph().originOf(name);
            if (origin != null && failed.contains(origin)) {
                behind.add(origin);
            }
        }
        return List.copyOf(behind);
    }
}
