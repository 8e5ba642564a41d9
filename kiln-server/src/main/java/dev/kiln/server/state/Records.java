package dev.kiln.server.state;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

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
            @Nullable Instant finishedAt,
            RunStatus status,
            @Nullable String summary) {}

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
            @Nullable String logPath,
            @Nullable String message) {
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
     * An image as the catalog lists it: its latest publication, when its content last changed (null when no
     * run pushed it, only found it already there), whether its current digest was signed (by whichever run
     * pushed it), and its CVE counts (null when its digest was never scanned).
     */
    public record CatalogImage(
            ImagePublication latest,
            @Nullable Instant rebuiltAt,
            boolean signed,
            @Nullable CveCounts cves) {}

    /** A package installed in an image, as its index entry names it. */
    public record ImagePackage(
            String name,
            String version,
            String license,
            @Nullable String origin) {}

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
            @Nullable String newestVersion,
            @Nullable String monitor,
            String status,
            @Nullable String message,
            Instant checkedAt) {}

    /**
     * CVE counts of an image by severity (grype's levels), as the scan stage found them; the keys are
     * {@code critical, high, medium, low, unknown}, always all five.
     */
    public record CveCounts(int critical, int high, int medium, int low, int unknown) {
        public static final CveCounts NONE = new CveCounts(0, 0, 0, 0, 0);

        public int total() {
            return critical + high + medium + low + unknown;
        }
    }

    /**
     * One scan of an image's digest: counts, when the advisories were current (null when unknown), which
     * sources applied and what the reader must know about coverage (e.g. no source covers its distribution).
     */
    public record ImageScan(
            Instant scannedAt,
            CveCounts counts,
            @Nullable Instant advisoriesAsOf,
            List<String> sources,
            List<String> warnings,
            List<Vulnerability> vulnerabilities) {
        public ImageScan {
            sources = List.copyOf(sources);
            warnings = List.copyOf(warnings);
            vulnerabilities = List.copyOf(vulnerabilities);
        }
    }

    /**
     * A vulnerability matched to a package of an image. {@code state} is the advisory state ({@code
     * fixed-available}, {@code pending-upstream-fix}, {@code not-affected}, …); {@code vexStatus} the OpenVEX
     * status it amounts to ({@code affected}, {@code not_affected}, {@code fixed}, {@code under_investigation});
     * {@code detail} the justification of a suppressed match, or null.
     */
    public record Vulnerability(
            String id,
            String packageName,
            String version,
            String severity,
            @Nullable String fixedVersion,
            String state,
            String vexStatus,
            @Nullable String detail) {}

    /**
     * The image beside a conventional one it replaces ({@code comparedWith} names it): sizes in bytes (-1
     * when unknown), package and CVE counts of each.
     */
    public record Comparison(String comparedWith, Side own, Side other) {
        public record Side(long compressedSize, long uncompressedSize, int packages, int cves) {}
    }

    /** A package that rebuilds when another changes; {@code direct} when its build environment names it. */
    public record Dependent(String name, boolean direct) {}

    /** A patch a package carries against its upstream, with the reason its recipe gives. */
    public record Patch(
            String patch,
            String reason,
            List<String> advisories,
            @Nullable Instant since) {
        public Patch {
            advisories = List.copyOf(advisories);
        }
    }
}
