package dev.kiln.vuln.match;

import dev.kiln.vuln.AdvisoryStore;
import dev.kiln.vuln.feed.OsvRecord;
import dev.kiln.vuln.feed.OsvStore;
import dev.kiln.vuln.feed.SecDb;
import dev.kiln.vuln.inventory.Distro;
import dev.kiln.vuln.inventory.Inventory;
import dev.kiln.vuln.vex.VexDocument;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The data a scan matches against, loaded once and used for any number of images: Kiln's advisory documents
 * (or a feed compiled from them, or a secdb), OSV records and OpenVEX documents. {@code kiln scan},
 * {@code kiln compare} and the reconciler's scan stage all load their sources here, so they match alike.
 *
 * @param updated the oldest last-import date of the OSV stores, or null (the matcher adds the distribution
 *     feed's own date when that feed applies)
 */
public record ScanSources(
        DistroFeed distro,
        OsvIndex osv,
        List<VexDocument> vex,
        @Nullable Instant updated) {
    public ScanSources {
        vex = List.copyOf(vex);
    }

    /** No data at all: every scan reports nothing and warns that no source covers the image. */
    public static ScanSources none() {
        return new ScanSources(DistroFeed.empty(), new OsvIndex(List.of()), List.of(), null);
    }

    /**
     * Loads the sources. {@code advisories} is a directory of advisory documents or a compiled feed (a file);
     * {@code secdb} is used when {@code advisories} is null; {@code advisoriesDistro} ({@code ID[:RELEASE]}) says
     * which distribution they describe when not the default; each OSV source is a store directory, a directory
     * of record files, or one file. Any of them may be null or empty.
     */
    public static ScanSources load(
            @Nullable Path advisories,
            @Nullable Path secdb,
            List<Path> osvSources,
            @Nullable String advisoriesDistro,
            Clock clock) {
        try {
            DistroFeed distro = DistroFeed.empty();
            if (advisories != null && Files.isRegularFile(advisories)) {
                distro = CompiledFeed.read(advisories);
            } else if (advisories != null) {
                distro = DistroFeed.of(AdvisoryStore.load(advisories, clock));
            } else if (secdb != null) {
                distro = DistroFeed.of(SecDb.parse(Files.readAllBytes(secdb), secdb.toString()));
            }
            if (advisoriesDistro != null) {
                try {
                    distro = distro.describing(Distro.parse(advisoriesDistro));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--advisories-distro: " + e.getMessage(), e);
                }
            }
            List<OsvRecord> records = new ArrayList<>();
            Instant updated = null;
            for (Path p : osvSources) {
                OsvStore store = new OsvStore(p);
                records.addAll(Files.isDirectory(p) ? store.records() : OsvStore.readAll(p));
                Instant u = Files.isDirectory(p) ? store.updated().orElse(null) : null;
                updated = u == null ? updated : updated == null || u.isBefore(updated) ? u : updated;
            }
            return new ScanSources(distro, new OsvIndex(records), List.of(), updated);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read scan data: " + e.getMessage(), e);
        }
    }

    /** The same sources with these OpenVEX documents applied. */
    public ScanSources withVex(List<VexDocument> documents) {
        return new ScanSources(distro, osv, documents, updated);
    }

    /** Matches one image's inventory; {@code imagePurls} identify the image for VEX products (may be empty). */
    public ScanReport scan(String target, Inventory inventory, List<String> imagePurls) {
        return new Matcher(distro, osv, vex).scan(target, inventory, imagePurls, updated);
    }
}
