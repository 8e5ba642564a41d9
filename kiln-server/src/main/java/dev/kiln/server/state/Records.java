package dev.kiln.server.state;

import java.time.Instant;
import java.util.List;

/** What the state store keeps, one record type per table. */
public final class Records {
    private Records() {}

    public enum RunStatus {
        RUNNING,
        SUCCEEDED,
        FAILED,
        INTERRUPTED
    }

    public enum BuildResult {
        SUCCEEDED,
        FAILED
    }

    /** A reconcile run; {@code owner} is host:pid of the process that ran it. */
    public record Run(
            long id,
            String kind,
            String owner,
            Instant startedAt,
            Instant finishedAt,
            RunStatus status,
            String summary) {}

    /**
     * One recipe built (and tested and published, when {@code result} is SUCCEEDED) during a run;
     * {@code packageName} is its main package (the recipe file's name when the build failed).
     */
    public record Build(
            long id,
            long runId,
            String recipe,
            String packageName,
            String recipeSha256,
            Instant startedAt,
            long durationMillis,
            BuildResult result,
            List<String> outputs,
            String logPath,
            String message) {
        public Build {
            outputs = List.copyOf(outputs);
        }
    }

    /**
     * One image pushed (or found already there) during a run; {@code compressedSize} (layers, config and
     * manifest of its first architecture) and {@code packageCount} are -1 when not recorded.
     */
    public record ImagePublication(
            long id,
            long runId,
            String image,
            String reference,
            String digest,
            boolean pushed,
            boolean signed,
            Instant publishedAt,
            long compressedSize,
            int packageCount) {}

    /**
     * An image as the catalog lists it: its latest publication, when its content last changed, and
     * whether its current digest was signed (by whichever run pushed it).
     */
    public record CatalogImage(ImagePublication latest, Instant rebuiltAt, boolean signed) {}

    /** A package installed in an image, as its index entry names it. */
    public record ImagePackage(String name, String version, String license, String origin) {}

    /** A document about an image (its SBOM, its provenance), stored as published. */
    public record Document(String kind, String mediaType, String content) {
        public static final String SPDX = "spdx";
        public static final String PROVENANCE = "provenance";
    }

    /** What an image holds, recorded with its publication. */
    public record ImageContents(long compressedSize, List<ImagePackage> packages, List<Document> documents) {
        public ImageContents {
            packages = List.copyOf(packages);
            documents = List.copyOf(documents);
        }
    }

    /** One upstream monitor answer during a run. */
    public record UpstreamCheck(
            long id,
            long runId,
            String recipe,
            String packageName,
            String currentVersion,
            String newestVersion,
            String monitor,
            String status,
            String message,
            Instant checkedAt) {}
}
