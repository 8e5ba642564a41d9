package dev.kiln.apk;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a package's data stream. {@code path} has no leading {@code ./} and no trailing
 * {@code /}; {@code linkTarget} is the symlink target or the hard link's first path (else null);
 * {@code sha1Checksum} is the {@code APK-TOOLS.checksum.SHA1} PAX record (else null); xattrs are
 * keyed by attribute name without the {@code SCHILY.xattr.} prefix.
 */
public record ApkEntry(
        String path,
        Type type,
        int mode,
        int uid,
        int gid,
        long size,
        @Nullable String linkTarget,
        @Nullable String sha1Checksum,
        Map<String, byte[]> xattrs) {

    public enum Type {
        FILE,
        DIRECTORY,
        SYMLINK,
        HARDLINK,
        CHAR_DEVICE,
        BLOCK_DEVICE,
        FIFO
    }

    public ApkEntry {
        xattrs = xattrs == null ? Map.of() : Map.copyOf(xattrs);
    }
}
