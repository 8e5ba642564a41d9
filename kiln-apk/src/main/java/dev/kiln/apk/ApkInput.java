package dev.kiln.apk;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link ApkWriter} packs: metadata without {@code size}/{@code datahash} (computed), the host
 * directory holding the package's files, extra control files ({@code .melange.yaml}, scriptlets)
 * extended attributes keyed by path relative to {@code dataDir} then attribute name, and who owns
 * each file as the package records it.
 */
public record ApkInput(
        PkgInfo pkgInfo,
        Path dataDir,
        Map<String, byte[]> controlFiles,
        Map<String, Map<String, byte[]>> xattrs,
        long sourceDateEpoch,
        FileOwners owners) {

    /** Every entry owned by root:root. */
    public ApkInput(
            PkgInfo pkgInfo,
            Path dataDir,
            Map<String, byte[]> controlFiles,
            Map<String, Map<String, byte[]>> xattrs,
            long sourceDateEpoch) {
        this(pkgInfo, dataDir, controlFiles, xattrs, sourceDateEpoch, FileOwners.ROOT);
    }

    public ApkInput {
        if (pkgInfo == null || dataDir == null) {
            throw new ApkException("ApkInput needs pkgInfo and dataDir");
        }
        if (sourceDateEpoch < 0) {
            throw new ApkException("SOURCE_DATE_EPOCH must not be negative, got " + sourceDateEpoch);
        }
        controlFiles = controlFiles == null ? Map.of() : Map.copyOf(controlFiles);
        owners = owners == null ? FileOwners.ROOT : owners;
        Map<String, Map<String, byte[]>> x = new LinkedHashMap<>();
        if (xattrs != null) {
            xattrs.forEach((path, attrs) -> x.put(path, Map.copyOf(attrs)));
        }
        xattrs = Map.copyOf(x);
    }

    public static ApkInput of(PkgInfo pkgInfo, Path dataDir, long sourceDateEpoch) {
        return new ApkInput(pkgInfo, dataDir, Map.of(), Map.of(), sourceDateEpoch);
    }
}
