package dev.kiln.server.web;

import dev.kiln.server.state.Records;
import dev.kiln.server.state.StateStore;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What each page shows, read from the state store once per request. The HTML pages and the JSON API
 * render the same values, so a script sees exactly what a person sees.
 */
final class CatalogViews {
    static final int HISTORY = 50;
    /** Catalog rows per HTML page: a phone-sized page, and the 1,000-image catalog stays quick to render. */
    static final int PAGE = 100;

    static final int RUNS = 50;

    /** The catalog page: images whose name contains {@code query}, in {@code sort} order. */
    record Catalog(String query, String sort, List<Records.CatalogImage> images) {
        /** Page {@code number} (from 1) of the images; a page past the end is empty. */
        List<Records.CatalogImage> page(int number) {
            int from = Math.min(images.size(), (number - 1) * PAGE);
            return images.subList(from, Math.min(images.size(), from + PAGE));
        }

        int pages() {
            return Math.max(1, (images.size() + PAGE - 1) / PAGE);
        }
    }

    /**
     * An image page; {@code scan} is the latest scan of its digest and {@code comparison} the recorded
     * comparison with a conventional image (each null when there is none).
     */
    record Image(
            Records.CatalogImage image,
            List<Records.ImagePublication> history,
            List<Records.ImagePackage> packages,
            boolean hasSbom,
            boolean hasProvenance,
            Records.@Nullable ImageScan scan,
            Records.@Nullable Comparison comparison) {}

    /**
     * A package page: its builds, newest first, the images it is in, what its upstream monitor last
     * said (null when never checked), the packages that rebuild when it changes, the images that rebuild
     * with them (its own included), and the patches it carries against upstream.
     */
    record PackageView(
            String name,
            List<Records.Build> builds,
            List<String> images,
            Records.@Nullable UpstreamCheck upstream,
            List<Records.Dependent> dependents,
            List<String> rebuiltImages,
            List<Records.Patch> patches) {}

    /** A run with what it did. */
    record Run(
            Records.Run run,
            List<Records.Build> builds,
            List<Records.ImagePublication> images,
            List<Records.UpstreamCheck> checks) {}

    private final StateStore state;

    CatalogViews(StateStore state) {
        this.state = state;
    }

    Catalog catalog(String query, String sort) {
        String q = query == null ? "" : query.strip().toLowerCase(Locale.ROOT);
        String by = sort == null || sort.isBlank() ? "name" : sort;
        Comparator<Records.CatalogImage> order = switch (by) {
            case "size" ->
                Comparator.comparingLong((Records.CatalogImage c) -> c.latest().compressedSize());
            case "packages" ->
                Comparator.comparingInt((Records.CatalogImage c) -> c.latest().packageCount());
            case "rebuilt" ->
                Comparator.comparing(
                        (Records.CatalogImage c) -> c.rebuiltAt(), Comparator.nullsLast(Comparator.reverseOrder()));
            case "name" ->
                Comparator.comparing((Records.CatalogImage c) -> c.latest().image());
            default -> throw new BadRequest("sort must be one of name, size, packages, rebuilt; got '" + by + "'");
        };
        List<Records.CatalogImage> images = state.catalog().stream()
                .filter(c -> q.isEmpty()
                        || c.latest().image().toLowerCase(Locale.ROOT).contains(q))
                .sorted(order)
                .toList();
        return new Catalog(q, by, images);
    }

    /** A 1-based page number from a query parameter (absent means 1). */
    static int pageNumber(String value) {
        if (value == null || value.isBlank()) {
            return 1;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the value
        }
        throw new BadRequest("page must be a whole number from 1, got '" + value + "'");
    }

    /** Null when no image of that name was ever published. */
    @Nullable
    Image image(String name) {
        Records.CatalogImage image = state.catalogImage(name);
        if (image == null) {
            return null;
        }
        String digest = image.latest().digest();
        return new Image(
                image,
                state.imageHistory(name, HISTORY),
                state.imagePackages(digest),
                state.imageDocument(digest, Records.Document.SPDX) != null,
                state.imageDocument(digest, Records.Document.PROVENANCE) != null,
                state.imageScan(digest),
                state.comparison(digest));
    }

    /** The latest publication's document of {@code kind}, or null. */
    Records.@Nullable Document document(String image, String kind) {
        Records.CatalogImage c = state.catalogImage(image);
        return c == null ? null : state.imageDocument(c.latest().digest(), kind);
    }

    /** Null when the package was never built nor published in an image. */
    @Nullable
    PackageView packageView(String name) {
        List<Records.Build> builds = state.packageBuilds(name, HISTORY);
        List<String> images = state.imagesWithPackage(name);
        Records.UpstreamCheck upstream = state.latestCheck(name);
        List<Records.Dependent> dependents = state.dependents(name);
        java.util.Set<String> rebuilt = new java.util.TreeSet<>(images);
        dependents.forEach(d -> rebuilt.addAll(state.imagesWithPackage(d.name())));
        List<Records.Patch> patches = state.patches(name);
        return builds.isEmpty() && images.isEmpty() && upstream == null && dependents.isEmpty() && patches.isEmpty()
                ? null
                : new PackageView(name, builds, images, upstream, dependents, List.copyOf(rebuilt), patches);
    }

    List<Run> activity() {
        return state.runs(RUNS).stream()
                .map(r -> new Run(r, state.builds(r.id()), state.images(r.id()), state.checks(r.id())))
                .toList();
    }

    @Nullable
    Run run(long id) {
        Records.Run r = state.run(id);
        return r == null ? null : new Run(r, state.builds(id), state.images(id), state.checks(id));
    }

    Records.@Nullable Build build(long id) {
        return state.build(id);
    }

    /** A request the catalog cannot answer as asked; the message says what was expected. */
    static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
    }
}
